-- Exemptions that expire: an image matching an exemption's pattern that fails verification is
-- admitted, with a warning naming the ticket and the end date, until `expires`; from then on it
-- is denied again, with a message that says the exemption has expired. Images that pass
-- verification are admitted (and pinned) as usual, exempt or not.
--
-- `expires` is a date (YYYY-MM-DD, meaning midnight UTC at the start of that day) or an RFC 3339
-- time; "2027-02-01" holds through 31 January. Dates are parsed when the script loads, so a typo
-- is a load error that `connaisseur lint` reports, never a surprise at request time. The clock is
-- connaisseur.time.now(), read once per request.
local default = connaisseur.default_policy()

local EXEMPTIONS = {
  { pattern = "docker.io/vendor/legacy-agent:*", expires = "2999-01-01", ticket = "SEC-1234" },
  { pattern = "quay.io/old-team/*", expires = "2020-07-01", ticket = "SEC-0999" },
}

for _, e in ipairs(EXEMPTIONS) do
  e.ends = connaisseur.time.parse(e.expires)
  if not e.ends then
    error("exemption " .. e.ticket .. ": expires is not a date: " .. e.expires)
  end
end

-- The first exemption whose pattern matches the raw reference `raw`, or nil.
local function exemption_for(raw)
  local image = connaisseur.image.parse(raw)
  if not image then
    return nil -- not a reference: nothing to exempt
  end
  for _, e in ipairs(EXEMPTIONS) do
    if connaisseur.match.glob(e.pattern, image.normalized) then
      return e
    end
  end
  return nil
end

return {
  select = default.select,

  admit = function(request, results)
    local now = connaisseur.time.now()
    local warnings = {}
    for _, r in ipairs(results) do
      if not r.allowed then
        local e = exemption_for(r.image)
        if not e then
          return { allowed = false, message = r.reason }
        end
        if now >= e.ends then
          return { allowed = false, message = r.reason .. " (exemption " .. e.ticket
            .. " expired on " .. e.expires .. ")" }
        end
        warnings[#warnings + 1] = r.image .. " admitted under exemption " .. e.ticket
          .. " until " .. e.expires .. ": " .. r.reason
      end
    end
    return { allowed = true, warnings = warnings }
  end,
}
