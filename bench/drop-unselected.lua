-- drop-unselected.lua: the pandoc side of `bench/run html`.
--
-- The input is a whole source as Markdown, one fenced Div per clause:
--   ::: {#sg-1-1-1 .clause}
--   clause text
--   :::
-- Metadata:
--   selected-file  a file with one line per selected clause: "<id> <verdict>"
--                  (verdict: required, optional, included), written by
--                  bench/run from `clausegen select --contract F --format json`
--   doc-kind       "spec" or "annex"
-- The filter drops every clause Div whose id is not selected. For the spec it
-- puts 【必須】 or 【提案】 before the text, as clausegen's spec does; for the
-- annex it notes items the spec announced as optional. Headings of sections
-- left empty are dropped too, so both tools print the same clauses.

local selected = {}
local kind = "annex"

local function read_meta(meta)
  local f = meta["selected-file"]
  if f == nil then
    error("drop-unselected.lua: metadata selected-file is missing")
  end
  f = pandoc.utils.stringify(f)
  for line in io.lines(f) do
    local id, verdict = line:match("^(%S+)%s+(%S+)")
    if id then selected[id] = verdict end
  end
  if meta["doc-kind"] ~= nil then
    kind = pandoc.utils.stringify(meta["doc-kind"])
  end
end

local function mark(verdict)
  if kind == "spec" then
    return verdict == "optional" and "【提案】" or "【必須】"
  end
  return verdict == "optional" and "（仕様書で提案とした事項）" or nil
end

local function clause(div)
  if not div.classes:includes("clause") then return nil end
  local verdict = selected[div.identifier]
  if verdict == nil then return {} end
  local m = mark(verdict)
  if m ~= nil and div.content[1] ~= nil and div.content[1].t == "Para" then
    table.insert(div.content[1].content, 1, pandoc.Strong({ pandoc.Str(m) }))
  end
  return div
end

-- After the clauses are dropped: drop a heading when no clause follows it
-- before the next heading of the same or a higher level.
local function prune(doc)
  local blocks, out = doc.blocks, {}
  for i, b in ipairs(blocks) do
    local keep = true
    if b.t == "Header" then
      keep = false
      for j = i + 1, #blocks do
        local n = blocks[j]
        if n.t == "Header" and n.level <= b.level then break end
        if n.t == "Div" then keep = true break end
      end
    end
    if keep then out[#out + 1] = b end
  end
  doc.blocks = out
  return doc
end

return {
  { Meta = read_meta },
  { Div = clause },
  { Pandoc = prune },
}
