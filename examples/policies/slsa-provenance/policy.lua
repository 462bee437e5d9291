-- SLSA provenance from our builder: images the values send to a validator listed in ATTESTED
-- must carry an SLSA provenance attestation (cosign attest --type slsaprovenance or
-- slsaprovenance1) that a trust root of the rule signed and whose builder is BUILDER. Images
-- routed elsewhere are decided by the default rules alone.
--
-- select asks the validator for attestations (`with.attestations = true`), so the webhook
-- verifies signature and attestations in one pass; admit reads them through connaisseur.verify on
-- the verified digest, which the verification cache answers without a second registry round trip.
-- Only statements that verified reach the script: a tampered, foreign or unsigned provenance is
-- simply not there, and the image is denied.
local default = connaisseur.default_policy()

local BUILDER = "https://ci.example.com/builders/release"
local ATTESTED = { ["cosign-release"] = true }

-- t[k1][k2]...: nil as soon as a step is not a table (predicates are data, not trusted shapes).
local function field(t, ...)
  for _, k in ipairs({ ... }) do
    if type(t) ~= "table" then return nil end
    t = t[k]
  end
  return t
end

-- The builder of a provenance predicate: SLSA v0.2 keeps it at builder.id, v1 at
-- runDetails.builder.id.
local BUILDER_OF = {
  ["https://slsa.dev/provenance/v0.2"] = function(p) return field(p, "builder", "id") end,
  ["https://slsa.dev/provenance/v1"] = function(p) return field(p, "runDetails", "builder", "id") end,
}

local function with_attestations(rule)
  local with = {}
  for k, v in pairs(rule.with or {}) do with[k] = v end
  with.attestations = true
  return { pattern = rule.pattern, validator = rule.validator, with = with }
end

-- The image the validator verified, pinned to its digest.
local function verified_image(r)
  local image = assert(connaisseur.image.parse(r.image))
  if r.digest then image = assert(connaisseur.image.parse(image.name .. "@" .. r.digest)) end
  return image
end

-- nil when a verified provenance names BUILDER; else why not.
local function provenance_problem(check)
  local builders = {}
  for _, a in ipairs(check.attestations) do
    local builder_of = BUILDER_OF[a.predicate_type]
    if builder_of then
      local builder = builder_of(a.predicate)
      if builder == BUILDER then return nil end
      builders[#builders + 1] = tostring(builder)
    end
  end
  local why = #builders > 0 and ("built by " .. table.concat(builders, ", ") .. ", not " .. BUILDER)
    or "no verified SLSA provenance"
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
        local problem = provenance_problem(check)
        if problem then
          return { allowed = false, message = "image " .. tostring(r.image) .. ": " .. problem }
        end
      end
    end
    return { allowed = true }
  end,
}
