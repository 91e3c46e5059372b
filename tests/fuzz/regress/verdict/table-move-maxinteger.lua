-- table.move loops in C: without being charged it ran for hours.
table.move({}, 1, math.maxinteger - 1, 2)
return {verdict = function() return "required", "r" end}
