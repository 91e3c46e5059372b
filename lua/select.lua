-- select.lua: the generic selection rules of clausegen.
--
-- For each clause of a source, decide whether it goes into a contract's
-- documents and why. The C program calls M.verdict(clause, contract, source)
-- once per clause; every argument is a read-only view:
--
--   clause   {id, number, title, section = {id, number, title},
--             marks = {[table] = {[class] = {[category] = mark}}}  (no class
--             level when the source has no classes), when and unless (lists
--             of {attr = id, values = {...}} in the clause's order),
--             verdict (fixed verdict of a source without tables), appendices}
--             and a method, not listed by pairs: clause:mark(table, class,
--             category) is marks[table][class][category] in one call (class
--             nil without classes), false when the clause has no row in
--             the table
--   contract {id, title, source, category, class, attributes = {[id] = value},
--             include = {[clause id] = reason or true},
--             exclude = {[clause id] = reason or true}}
--   source   {id, title, classes, categories (lists of {id, name}),
--             tables (list of {id, title}), select_table, marks = {[mark] =
--             verdict}, default_verdict, attributes = {[id] = {name, type}}}
--
-- It returns a verdict ("required", "optional", "not-applicable" or
-- "included") and a reason in Japanese for the people who read the result.
-- A source with rules of its own has lua/<source-id>.lua, which receives this
-- module as its argument and returns its own, usually one that wraps these
-- functions.

local M = {}

M.labels = {
  ["required"] = "必須",
  ["optional"] = "選択",
  ["not-applicable"] = "対象外",
  ["included"] = "通常サービスに含まれる",
}

-- The entry of `list` (a list of {id, ...}) with id `id`. The lists are
-- the source's and the same for every clause of a run, so each is indexed
-- once, not searched once per clause (weak keys: a list no longer used is
-- let go).
local by_id = setmetatable({}, {__mode = "k"})
local function entry_of(list, id)
  local index = by_id[list]
  if index == nil then
    index = {}
    for _, entry in ipairs(list) do
      if index[entry.id] == nil then index[entry.id] = entry end
    end
    by_id[list] = index
  end
  return index[id]
end

local function name_of(list, id)
  local entry = entry_of(list, id)
  if entry ~= nil then return entry.name end
  return id
end

local function show(value)
  if value == true then return "true" end
  if value == false then return "false" end
  return tostring(value)
end

local function matches(value, wanted)
  for _, w in ipairs(wanted) do
    if w == value then return true end
  end
  return false
end

local function list_text(wanted)
  local parts = {}
  for _, w in ipairs(wanted) do parts[#parts + 1] = show(w) end
  return table.concat(parts, "/")
end

-- The first key of a table or read-only view (pairs sees through a view,
-- next does not), nil when it is empty.
local function next_key(t)
  for k in pairs(t) do return k end
  return nil
end

-- What a run's table verdicts share: every clause of one run is decided for
-- the same contract and source views, so the table, the words for the
-- class × category and the reason for each mark are worked out once per
-- run, not once per clause (weak keys, as in entry_of).
local contexts = setmetatable({}, {__mode = "k"})
local function context(contract, source)
  local of_contract = contexts[contract]
  if of_contract == nil then
    of_contract = setmetatable({}, {__mode = "k"})
    contexts[contract] = of_contract
  end
  local ctx = of_contract[source]
  if ctx ~= nil then return ctx end
  ctx = {table = source.select_table, verdicts = {}, reasons = {}}
  of_contract[source] = ctx
  -- Most contracts choose nothing: M.choices then has nothing to look up.
  ctx.choices = next_key(contract.include) ~= nil or next_key(contract.exclude) ~= nil
  if ctx.table == nil then return ctx end
  local tbl = entry_of(source.tables, ctx.table)
  local where = name_of(source.categories, contract.category)
  ctx.classes = #source.classes > 0
  if ctx.classes then
    where = name_of(source.classes, contract.class) .. " × " .. where
  end
  ctx.where = where
  ctx.no_row = ("表「%s」にこの条項の行がない"):format(tbl.title)
  ctx.no_column = ("表「%s」に%sの列がない"):format(tbl.title, where)
  ctx.prefix = ""
  if #source.tables > 1 then ctx.prefix = ("表「%s」の"):format(tbl.title) end
  return ctx
end

-- The verdict the source itself gives: the mark in the table, or the
-- clause's fixed verdict for a source without tables.
function M.table_verdict(clause, contract, source)
  local ctx = context(contract, source)
  if ctx.table == nil then
    if clause.verdict ~= nil then
      return clause.verdict, ("条項の定めにより%s"):format(M.labels[clause.verdict])
    end
    return source.default_verdict,
      ("基準の既定により%s"):format(M.labels[source.default_verdict])
  end
  -- clause.marks[table][class][category], in one call
  local mark = clause:mark(ctx.table, ctx.classes and contract.class or nil, contract.category)
  if mark == false then
    return "not-applicable", ctx.no_row
  end
  if mark == nil then
    return "not-applicable", ctx.no_column
  end
  local reason = ctx.reasons[mark]
  if reason == nil then
    local verdict = source.marks[mark]
    reason = ("%s%sの欄が「%s」（%s）"):format(ctx.prefix, ctx.where, mark, M.labels[verdict])
    ctx.verdicts[mark], ctx.reasons[mark] = verdict, reason
  end
  return ctx.verdicts[mark], reason
end

-- Conditions on the system's attributes (`when`, `unless` in the clause).
-- An attribute the contract leaves unset never drops a clause: a security
-- requirement is kept until someone states it does not apply.
function M.conditions(clause, contract, source, verdict, reason)
  if verdict == "not-applicable" then return verdict, reason end
  local unknown = nil -- made only for a clause that has one
  local when, unless = clause.when, clause.unless
  -- Most clauses have no conditions: when[1] says so without calling
  -- ipairs and its iterator.
  if when[1] == nil and unless[1] == nil then return verdict, reason end
  for _, cond in ipairs(when) do
    local attr, wanted = cond.attr, cond.values
    local value = contract.attributes[attr]
    local name = source.attributes[attr].name
    if value == nil then
      unknown = unknown or {}
      unknown[#unknown + 1] = ("%s（%s = %s）"):format(name, attr, list_text(wanted))
    elseif not matches(value, wanted) then
      return "not-applicable",
        ("%s。ただし適用条件 %s（%s = %s）を満たさない（契約: %s）"):format(
          reason, name, attr, list_text(wanted), show(value))
    end
  end
  for _, cond in ipairs(unless) do
    local attr, wanted = cond.attr, cond.values
    local value = contract.attributes[attr]
    if value ~= nil and matches(value, wanted) then
      return "not-applicable",
        ("%s。ただし書きにより適用しない（%s = %s）"):format(reason, attr, show(value))
    end
  end
  if unknown ~= nil then
    reason = ("%s。適用条件 %s が契約で未設定のため要確認"):format(
      reason, table.concat(unknown, "、"))
  end
  return verdict, reason
end

-- The contract's own choices come last: they are the city's decision for
-- this contract and override the table, and the reason keeps both.
function M.choices(clause, contract, source, verdict, reason)
  if not context(contract, source).choices then return verdict, reason end
  local id = clause.id
  local inc = contract.include[id]
  if inc ~= nil then
    local why = type(inc) == "string" and ("（理由: " .. inc .. "）") or ""
    return "required", ("契約で採用%s。基準上の判定: %s"):format(why, reason)
  end
  local exc = contract.exclude[id]
  if exc ~= nil then
    local why = type(exc) == "string" and ("（理由: " .. exc .. "）") or ""
    return "not-applicable", ("契約で除外%s。基準上の判定: %s"):format(why, reason)
  end
  return verdict, reason
end

function M.verdict(clause, contract, source)
  local verdict, reason = M.table_verdict(clause, contract, source)
  verdict, reason = M.conditions(clause, contract, source, verdict, reason)
  return M.choices(clause, contract, source, verdict, reason)
end

return M
