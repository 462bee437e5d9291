-- Images of the payments team need two independent signatures: the rule's validator runs as
-- usual, and select also requires "cosign-audit" to pass through connaisseur.verify.
local default = connaisseur.default_policy()

return {
  select = function(image, request)
    local rule, reason = default.select(image, request)
    if rule and connaisseur.match.glob("docker.io/payments/*", image.normalized) then
      local audit = connaisseur.verify({ pattern = rule.pattern, validator = "cosign-audit" }, image)
      if not audit.allowed then
        connaisseur.log.warn("audit signature missing", { image = image.normalized })
        return nil, "audit signature missing: " .. audit.reason
      end
    end
    return rule, reason
  end,
}
