-- Finalizers run with hooks off: a looping __gc escaped the budget.
for i = 1, 100 do setmetatable({}, {__gc = function() while true do end end}) end
return {verdict = function() return "required", "r" end}
