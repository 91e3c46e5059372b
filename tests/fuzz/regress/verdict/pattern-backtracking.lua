-- A backtracking pattern over a long text: exponential in C.
local s = ("a"):rep(30000)
local M = {}
function M.verdict(c) return "required", tostring(s:find(".-.-.-.-.-b")) end
return M
