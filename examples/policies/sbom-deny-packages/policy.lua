-- No image with a banned package: images the values send to a validator listed in ATTESTED must
-- carry an SBOM attestation (cosign attest --type spdxjson or cyclonedx) that a trust root of the
-- rule signed, and no verified SBOM may list a package named in BANNED. Images routed elsewhere
-- are decided by the default rules alone.
--
-- As in slsa-provenance/, select asks the validator for attestations and admit reads them through
-- connaisseur.verify on the verified digest (a cache hit). An image without a verified SBOM is
-- denied too: an SBOM that is missing, tampered or signed by someone else proves nothing.
local default = connaisseur.default_policy()

local BANNED = { ["log4j-core"] = true, ["xz-utils"] = true }
local ATTESTED = { ["cosign-release"] = true }

-- The package names an SBOM lists: SPDX packages[].name, CycloneDX components[].name.
local PACKAGES_OF = {
  ["https://spdx.dev/Document"] = "packages",
  ["https://cyclonedx.org/bom"] = "components",
}

local function with_attestations(rule)
  local with = {}
  for k, v in pairs(rule.with or {}) do with[k] = v end
  with.attestations = true
  return { pattern = rule.pattern, validator = rule.validator, with = with }
end

local function verified_image(r)
  local image = assert(connaisseur.image.parse(r.image))
  if r.digest then image = assert(connaisseur.image.parse(image.name .. "@" .. r.digest)) end
  return image
end

-- nil when there is a verified SBOM and none lists a banned package; else why not.
local function sbom_problem(check)
  local sboms = 0
  for _, a in ipairs(check.attestations) do
    local list_key = PACKAGES_OF[a.predicate_type]
    local list = list_key and type(a.predicate) == "table" and a.predicate[list_key]
    if list_key then sboms = sboms + 1 end
    if type(list) == "table" then
      for _, package in ipairs(list) do
        local name = type(package) == "table" and package.name
        if BANNED[name] then return "its SBOM lists the banned package " .. name end
      end
    end
  end
  if sboms > 0 then return nil end
  local why = "no verified SBOM"
  if #check.attestation_errors > 0 then
    why = why .. " (ignored: " .. table.concat(check.attestation_errors, "; ") .. ")"
  end
  return why
end

return {
  select = function(image, request)
    local rule, reason = default.select(image, request)
    if rule and ATTESTED[rule.validator] then return with_attestations(rule) end
    return rule, reason
  end,

  admit = function(request, results)
    for _, r in ipairs(results) do
      if not r.allowed then return { allowed = false, message = r.reason } end
      if r.rule and ATTESTED[r.rule.validator] then
        local check = connaisseur.verify(r.rule, verified_image(r))
        if not check.allowed then return { allowed = false, message = check.reason } end
        local problem = sbom_problem(check)
        if problem then
          return { allowed = false, message = "image " .. tostring(r.image) .. ": " .. problem }
        end
      end
    end
    return { allowed = true }
  end,
}
