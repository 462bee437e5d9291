-- Production namespaces: only images from our registry, verified by cosign; elsewhere the
-- default rules (docs/policy-lua.md). Needs validators "cosign-prod" and whatever the policy rules name.
local default = connaisseur.default_policy()   -- the table returned by scripts/default.lua
local prod = { ["payments"] = true, ["checkout"] = true }

return {
  select = function(image, request)
    if prod[request.namespace] then
      if image.registry ~= "registry.example.com" then
        return nil, "production images must come from registry.example.com"
      end
      return { pattern = "registry.example.com/*", validator = "cosign-prod",
               with = { trustRoot = "*", threshold = 2 } }
    end
    return default.select(image, request)
  end,
  admit = function(request, results)
    for _, r in ipairs(results) do
      if not r.allowed then return { allowed = false, message = r.reason } end
    end
    return { allowed = true }
  end,
}
