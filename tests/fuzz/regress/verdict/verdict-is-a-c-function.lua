-- A C function as the rule: its errors have no Lua position and are
-- reported at the script that returned the rules.
return {verdict = error}
