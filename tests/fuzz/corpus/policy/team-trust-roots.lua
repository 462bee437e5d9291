-- Trust roots per team: images of the organisation's registry are verified against the keys of
-- the team that owns the namespace they run in, so one team's key cannot vouch for an image in
-- another team's namespace, and a namespace no team owns cannot run them at all. Each team has
-- its own cosign validator with its own trust roots (for instance a CI key and a release key,
-- both required). Images from elsewhere follow the configured rules.
local default = connaisseur.default_policy()

local OWN_REGISTRY = "registry.example.com/*"

local TEAMS = {
  payments = {
    namespaces = { "payments", "payments-staging" },
    validator = "cosign-payments",
    with = { trustRoot = "*", threshold = 2 }, -- CI and release keys must both have signed
  },
  search = {
    namespaces = { "search" },
    validator = "cosign-search",
  },
}

local TEAM_OF = {} -- namespace -> team
for name, team in pairs(TEAMS) do
  team.name = name
  for _, namespace in ipairs(team.namespaces) do
    TEAM_OF[namespace] = team
  end
end

return {
  select = function(image, request)
    if not connaisseur.match.glob(OWN_REGISTRY, image.normalized) then
      return default.select(image, request)
    end
    local team = TEAM_OF[request.namespace]
    if not team then
      return nil, "namespace " .. request.namespace .. " belongs to no team, so no key "
        .. "vouches for " .. image.raw
    end
    return { pattern = OWN_REGISTRY, validator = team.validator, with = team.with }
  end,
}
