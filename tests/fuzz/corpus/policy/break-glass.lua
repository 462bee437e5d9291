-- Break glass: a workload annotated `policy.example.com/break-glass: "<why>"` is admitted even
-- when its images fail verification, with a warning to the user and an alert to the
-- rejectRequest receivers naming who did it, where, and why. The annotation's value must say
-- why (a ticket, an incident); an empty value does not break the glass. Without the annotation
-- the configured rules decide as usual, and verified images are pinned either way.
--
-- The annotation is read from the object's own metadata and from its Pod template, so that the
-- Pods a Deployment, Job or CronJob creates carry it too: annotate the template.
--
-- Anyone who may create workloads may set an annotation: the alert is the control. To limit
-- who can, add a check on request.user.groups, or exclude namespaces in NEVER.
local default = connaisseur.default_policy()

local ANNOTATION = "policy.example.com/break-glass"
local NEVER = { ["kube-system"] = true }

local function annotation_of(metadata)
  local annotations = metadata and metadata.annotations
  return annotations and annotations[ANNOTATION]
end

-- The reason given on the object or its Pod template, or nil (`connaisseur check` has no
-- object).
local function break_glass_reason(object)
  if object == nil then
    return nil
  end
  local spec = object.spec
  local template = spec and (spec.template or (spec.jobTemplate and spec.jobTemplate.spec
    and spec.jobTemplate.spec.template))
  local why = annotation_of(object.metadata) or annotation_of(template and template.metadata)
  if type(why) == "string" and why:find("%S") then
    return why
  end
  return nil
end

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
    local why = not NEVER[request.namespace] and break_glass_reason(request.object)
    if not why then
      return { allowed = false, message = failed[1] }
    end
    local who = request.user.username or "an unknown user"
    local summary = table.concat(failed, "; ")
    connaisseur.alert(("break-glass by %s on %s %s/%s (%s): %s"):format(
      who, request.kind, request.namespace, request.name, why, summary))
    return {
      allowed = true,
      warnings = { "break-glass (" .. why .. "): admitted without verification", summary },
    }
  end,
}
