-- Enforce in some namespaces, warn and alert in the others: the flow of a team that starts in
-- detection mode and turns enforcement on namespace by namespace.
--
-- Verification is the configured rules' (connaisseur.default_policy()); only the verdict on a
-- failed verification depends on the namespace. In an ENFORCED namespace it denies, with the
-- failing image's reason. Elsewhere the request is admitted with a warning to the user, an
-- alert to the rejectRequest receivers (connaisseur.alert), and no patch for the failed images.
-- Unlike `features.detectionMode`, which applies to the whole cluster, this moves one namespace
-- at a time: add it to ENFORCED once its images pass.
local default = connaisseur.default_policy()

local ENFORCED = {
  ["kube-system"] = true,
  payments = true,
  checkout = true,
}

return {
  select = default.select,

  admit = function(request, results)
    local failed = {}
    for _, r in ipairs(results) do
      if not r.allowed then
        failed[#failed + 1] = r.reason
      end
    end
    if #failed == 0 then
      return { allowed = true }
    end
    if ENFORCED[request.namespace] then
      return { allowed = false, message = failed[1] }
    end
    local summary = table.concat(failed, "; ")
    connaisseur.alert("would deny in namespace " .. request.namespace .. ": " .. summary)
    return {
      allowed = true,
      warnings = { "not enforced in namespace " .. request.namespace, summary },
    }
  end,
}
