-- table.insert shifts #t elements in C; __len may lie.
local t = setmetatable({}, {__len = function() return math.maxinteger - 1 end})
table.insert(t, 1, "x")
return {verdict = function() return "required", "r" end}
