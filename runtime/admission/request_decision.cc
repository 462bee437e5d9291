#include "runtime/admission/request_decision.h"

#include <functional>
#include <map>

#include "runtime/admission/workload.h"

namespace connaisseur::admission {
namespace {

using config::Features;
using nlohmann::json;

// spec.replicas of a Deployment/ReplicaSet; Kubernetes defaults an absent value to 1.
int64_t Replicas(const json& object) {
  if (!object.is_object()) return 1;
  auto spec = object.find("spec");
  if (spec == object.end() || !spec->is_object()) return 1;
  auto r = spec->find("replicas");
  if (r == spec->end() || !r->is_number_integer()) return 1;
  return r->get<int64_t>();
}

const json* Metadata(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return nullptr;
  auto it = md->find(key);
  return it == md->end() || it->is_null() ? nullptr : &*it;
}

bool HasOwners(const json& object) {
  const json* owners = Metadata(object, "ownerReferences");
  return owners != nullptr && owners->is_array() && !owners->empty();
}

// Normalised references of `images` (unparseable ones are left out: they never match).
std::set<std::string> NormalizedSet(const std::vector<ContainerImage>& images) {
  std::set<std::string> out;
  for (const ContainerImage& c : images) {
    auto ref = image::ImageReference::Parse(c.image);
    if (ref.ok()) out.insert(ref->normalized());
  }
  return out;
}

Decision Allow(Decision::Kind kind, std::string message) {
  Decision d;
  d.kind = kind;
  d.outcome.allowed = true;
  d.outcome.message = std::move(message);
  return d;
}

Decision Invalid(std::string message) {
  Decision d;
  d.kind = Decision::Kind::kInvalid;
  d.outcome = AdmissionOutcome::Deny(std::move(message));
  return d;
}

policy::PolicyRequest MakePolicyRequest(const AdmissionReview& review) {
  policy::PolicyRequest r;
  r.kind = review.kind;
  r.namespace_name = review.namespace_name;
  r.name = review.name;
  r.operation = review.operation;
  r.dry_run = review.dry_run;
  r.request_id = review.uid;
  r.admission_request = &review.request;
  return r;
}

}  // namespace

Decision DecideRequest(const AdmissionReview& review, PolicyRunner& policy,
                       const ImageCheckContext& ctx, Deadline deadline) {
  const Features& features = ctx.config->features;
  if (!IsWorkloadKind(review.kind)) {
    return Invalid("unknown workload kind \"" + review.kind + "\"");
  }
  auto images = ExtractImages(review.kind, review.object());
  if (!images.ok())
    return Invalid("error decoding new workload object: " + images.status().message());
  if (images->empty()) return Invalid("no containers found in workload object");
  auto pull = ExtractPullContext(review.kind, review.object(), review.namespace_name);
  if (!pull.ok()) return Invalid("error decoding new workload object: " + pull.status().message());

  const bool update = review.operation == "UPDATE";
  std::vector<ContainerImage> old_images;
  if (update && !review.old_object().is_null()) {
    auto old = ExtractImages(review.kind, review.old_object());
    if (!old.ok()) return Invalid("error decoding old workload object: " + old.status().message());
    old_images = std::move(old).value();
  }

  // v3.10 lets an object being deleted through (finalizer removal must not block); we only do
  // so when the update does not also change an image.
  if (update && Metadata(review.old_object(), "deletionTimestamp") != nullptr &&
      *images == old_images) {
    return Allow(Decision::Kind::kShortcut, "object is being deleted, images unchanged");
  }

  SkipPolicy skips;
  if (update && features.automatic_unchanged_approval) {
    const bool scalable = review.kind == "Deployment" || review.kind == "ReplicaSet";
    if (scalable && Replicas(review.object()) == 0) {
      return Allow(Decision::Kind::kShortcut, "replicas set to 0. skipping verification");
    }
    // Scaling up from 0 revives pods whose images may no longer pass: verify them again.
    if (!(scalable && Replicas(review.old_object()) == 0))
      skips.unchanged = NormalizedSet(old_images);
  }
  skips.child_approval =
      features.automatic_child_approval &&
      features.resource_validation_mode != Features::ResourceValidationMode::kPodsOnly &&
      HasOwners(review.object());

  // Identical raw strings are checked once and patched at every path (v3.10 consolidation).
  std::map<std::string, std::vector<std::string>> paths_by_image;
  Decision d;
  for (const ContainerImage& c : *images) {
    auto& paths = paths_by_image[c.image];
    if (paths.empty()) d.images.push_back(c.image);
    paths.push_back(c.path);
  }

  const policy::PolicyRequest request = MakePolicyRequest(review);
  // Step 1 on this thread: the policy's Lua state serves one thread at a time.
  std::vector<ImageCheck> checks;
  for (const std::string& raw : d.images) {
    if (deadline.expired()) break;
    ImageCheck check = SelectForImage(raw, policy, request, skips, ctx, deadline);
    if (check.timed_out) break;
    checks.push_back(std::move(check));
  }
  // Step 2: the validators wait on the network, so they run concurrently (bounded); each check
  // keeps its slot, so results and patch order follow the containers whatever finishes first.
  std::vector<ImageCheck*> pending;
  for (ImageCheck& c : checks) {
    if (c.pending.has_value()) pending.push_back(&c);
  }
  const std::function<void(size_t)> verify = [&](size_t i) {
    ImageCheck* check = pending[i];
    if (deadline.expired()) {  // queued behind the bound past the deadline: never started
      check->pending.reset();
      check->timed_out = true;
      return;
    }
    VerifySelected(check, *pull, ctx, deadline);
  };
  if (ctx.pool != nullptr) {
    ctx.pool->ForEach(pending.size(), ctx.max_parallel_verifications, verify);
  } else {
    for (size_t i = 0; i < pending.size(); ++i) verify(i);
  }

  std::vector<policy::ImageResult> results;
  for (ImageCheck& check : checks) {
    if (check.timed_out) continue;
    if (!check.result.allowed) d.failed_images.push_back(check.result.image);
    results.push_back(check.result);
    d.checks.push_back(std::move(check));
  }
  if (d.checks.size() < d.images.size()) {
    d.kind = Decision::Kind::kTimeout;
    d.outcome = AdmissionOutcome::Deny(
        "validation of admission request " + review.uid + " timed out after validating " +
        std::to_string(d.checks.size()) + "/" + std::to_string(d.images.size()) + " images");
    d.outcome.timed_out = true;
    return d;
  }

  d.kind = Decision::Kind::kValidated;
  auto verdict = policy.Admit(request, results, deadline);
  if (!verdict.ok()) {
    d.outcome = AdmissionOutcome::Deny(verdict.status().message());
    return d;
  }
  d.outcome.warnings = verdict->warnings;
  d.policy_alerts = verdict->alerts;
  if (!verdict->allowed) {
    d.outcome.message = verdict->message;
    if (d.outcome.message.empty()) {
      d.outcome.message = d.failed_images.empty() ? "denied by policy" : [&] {
        for (const ImageCheck& c : d.checks) {
          if (!c.result.allowed) return c.result.reason;
        }
        return std::string();
      }();
    }
    return d;
  }
  d.outcome.allowed = true;
  d.outcome.message = verdict->message;
  for (const ImageCheck& c : d.checks) {
    if (!c.result.allowed || c.pinned.empty()) continue;
    for (const std::string& path : paths_by_image[c.result.image]) {
      d.outcome.patch.push_back({path, c.pinned});
    }
  }
  return d;
}

}  // namespace connaisseur::admission
