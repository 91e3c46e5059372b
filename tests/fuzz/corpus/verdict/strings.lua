local M = {}
function M.verdict(c, k, s)
  local r = utf8.char(0x5fc5, 0x9808) .. (c.title or ""):gsub("%s+", " "):upper()
  local mt = getmetatable("")
  local x = math.random(1, 100) + math.floor(3.5) + (math.maxinteger // 7) % 3
  if utf8.len(r) and #r > 0 and mt ~= nil and select("#", 1, 2) == 2 then
    return "required", r .. x .. (("%q"):format(c.number))
  end
  return "optional", string.rep("ab", 3, "-") .. string.byte("A")
end
return M
