-- Two independent signatures: images the configuration sends to a notaryv1 validator listed in
-- ALSO_COSIGN must also carry a cosign signature that the paired cosign validator accepts
-- (say, the release manager signs with Notary and the build system with cosign). A missing or
-- invalid second signature denies the request, naming the image and the validator.
--
-- The cosign check runs in admit, after the notary check, on the digest Notary resolved: a tag
-- that moves between the two lookups cannot have one image pass one check and another image the
-- other. The webhook pins the Notary digest as usual.
local default = connaisseur.default_policy()

-- notaryv1 validator name -> the cosign rule (validator and `with` options) that must pass too.
local ALSO_COSIGN = {
  ["notary-release"] = { validator = "cosign-release" },
  ["notary-partner"] = { validator = "cosign-partner", with = { trustRoot = "*", threshold = 1 } },
}

-- The image the first validator verified: pinned to its digest when it resolved one.
local function verified_image(result)
  local image = assert(connaisseur.image.parse(result.image))
  if result.digest then
    image = assert(connaisseur.image.parse(image.name .. "@" .. result.digest))
  end
  return image
end

return {
  select = default.select,

  admit = function(request, results)
    for _, r in ipairs(results) do
      if not r.allowed then
        return { allowed = false, message = r.reason }
      end
      local second = r.rule and ALSO_COSIGN[r.rule.validator]
      if second then
        local rule = { pattern = r.rule.pattern, validator = second.validator, with = second.with }
        local check = connaisseur.verify(rule, verified_image(r))
        if not check.allowed then
          return {
            allowed = false,
            message = "image " .. r.image .. " lacks the cosign signature of " .. second.validator
              .. ": " .. check.reason,
          }
        end
        if r.digest and check.digest ~= "" and check.digest ~= r.digest then
          return { allowed = false, message = "image " .. r.image .. ": notary and cosign "
            .. "verified different digests (" .. r.digest .. ", " .. check.digest .. ")" }
        end
      end
    end
    return { allowed = true }
  end,
}
