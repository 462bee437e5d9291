-- No `:latest`, written or implied (`nginx` means `nginx:latest`): the tag moves, so what a
-- manifest asks for changes under it and a rollback goes nowhere. A reference that also pins a
-- digest (nginx:latest@sha256:...) is admitted: the digest is what runs. Everything else is the
-- configured rules'.
local default = connaisseur.default_policy()

return {
  select = function(image, request)
    if image.tag == "latest" and not image.digest then
      return nil, "image " .. image.raw .. " uses the tag latest (written or implied); "
        .. "name a version or a digest"
    end
    return default.select(image, request)
  end,
}
