local M = {}
function M.verdict(clause, contract, source)
  if contract.include[clause.id] then return "required", "included by the contract" end
  if #clause.when > 0 then return "optional", "condition " .. clause.when[1].attr end
  return source.default_verdict or "required", "default for " .. clause.id
end
return M
