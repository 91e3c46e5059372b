-- An error value whose __tostring loops: it is named, never converted.
return {verdict = function()
  error(setmetatable({}, {__tostring = function() while true do end end}))
end}
