-- Images come only from the registries (or registry paths) listed here; anything else is denied
-- before any signature is fetched, with a message that lists what is allowed. Images that pass
-- the list are then verified by the configured rules as usual: the list says where images may
-- come from, the rules whether they are signed.
--
-- Entries are Connaisseur patterns (connaisseur.match.glob: anchored, `*` crosses `/`, a
-- pattern without tag or digest matches any), compared with the normalised reference, so
-- `nginx` is checked as docker.io/library/nginx:latest.
local default = connaisseur.default_policy()

local ALLOWED = {
  "registry.example.com/*",
  "registry.k8s.io/*",
  "docker.io/library/*", -- official images only, not all of Docker Hub
}

local allowed_text = table.concat(ALLOWED, ", ")

return {
  select = function(image, request)
    for _, pattern in ipairs(ALLOWED) do
      if connaisseur.match.glob(pattern, image.normalized) then
        return default.select(image, request)
      end
    end
    return nil, "image " .. image.raw .. " is not from an allowed registry (" .. allowed_text .. ")"
  end,
}
