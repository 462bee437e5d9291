-- Namespaces labelled `connaisseur/pin-digests=true` admit only digest-pinned references;
-- every other decision is the default rules'. Shows request.namespace_labels and a warning.
local default = connaisseur.default_policy()

return {
  select = function(image, request)
    local labels = request.namespace_labels
    if labels and labels["connaisseur/pin-digests"] == "true" and not image.digest then
      return nil, "namespace " .. request.namespace .. " requires a digest: " .. image.raw
    end
    return default.select(image, request)
  end,
  admit = function(request, results)
    local warnings = {}
    for _, r in ipairs(results) do
      if not r.allowed then return { allowed = false, message = r.reason } end
      if r.validator == "allow" then warnings[#warnings + 1] = r.image .. " was not verified" end
    end
    return { allowed = true, warnings = warnings }
  end,
}
