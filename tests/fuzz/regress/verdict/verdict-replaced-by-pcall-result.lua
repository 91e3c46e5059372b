local M = {}
local n = 0
function M.verdict(c, k, s)
  n = n + 1
  local row = c.marks[s.select_table]
  local mark = row and row[k.category]
  local v = mark and s.marks[mark] or "not-applicable"
  local t = {}
  for key, val in pairs(s) do t[#t + 1] = tostring(key) end
  table.sort(t)
 M.verdict, e = pcall(function() c.id = "x" end)
  return v, string.format("%s %d %s %s", c.id, n, table.concat(t, ","), tostring(ok and "" or e))
end
return M
