-- Production namespaces run only images pinned by digest (name@sha256:...), so what runs is
-- exactly what was reviewed and the manifests in Git say so; elsewhere tags are fine (the
-- webhook pins them to the verified digest itself). Every image is still verified by the
-- configured rules: a digest says which image, not that it is trusted.
--
-- Production is a list of namespaces plus a prefix. Note that a Deployment with a tag is refused
-- in production before it creates any Pod.
local default = connaisseur.default_policy()

local PRODUCTION = { payments = true, checkout = true }
local PRODUCTION_PREFIX = "prod-"

local function is_production(namespace)
  return PRODUCTION[namespace] or namespace:sub(1, #PRODUCTION_PREFIX) == PRODUCTION_PREFIX
end

return {
  select = function(image, request)
    if not image.digest and is_production(request.namespace) then
      return nil, "namespace " .. request.namespace .. " admits only images pinned by digest "
        .. "(name@sha256:...), not " .. image.raw
    end
    return default.select(image, request)
  end,
}
