-- string.rep of an empty text ran its copy loop math.maxinteger times.
local s = ("").rep("", math.maxinteger) .. string.rep("", 1 << 62, "")
return {verdict = function() return "required", "r" .. s end}
