#include "runtime/admission/request_decision.h"

#include <map>
#include <optional>
#include <set>

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

policy::PolicyRequest MakePolicyRequest(const AdmissionReview& review,
                                        const ImageCheckContext& ctx) {
  policy::PolicyRequest r;
  r.kind = review.kind;
  r.namespace_name = review.namespace_name;
  r.name = review.name;
  r.operation = review.operation;
  r.dry_run = review.dry_run;
  r.request_id = review.uid;
  r.admission_request = &review.request;
  r.namespace_labels = ctx.namespace_labels;
  return r;
}

bool IsScalable(const std::string& kind) { return kind == "Deployment" || kind == "ReplicaSet"; }

// The object's images, the old object's (UPDATE only), and the pull identity; an error's
// message is the denial (v3.10 wording).
struct RequestImages {
  std::vector<ContainerImage> images;
  std::vector<ContainerImage> old_images;
  verification::PullContext pull;
};

StatusOr<RequestImages> ReadImages(const AdmissionReview& review) {
  if (!IsWorkloadKind(review.kind)) {
    return InvalidArgumentError("unknown workload kind \"" + review.kind + "\"");
  }
  RequestImages r;
  auto images = ExtractImages(review.kind, review.object());
  if (!images.ok()) return images.status().WithPrefix("error decoding new workload object");
  if (images->empty()) return InvalidArgumentError("no containers found in workload object");
  r.images = *std::move(images);
  auto pull = ExtractPullContext(review.kind, review.object(), review.namespace_name);
  if (!pull.ok()) return pull.status().WithPrefix("error decoding new workload object");
  r.pull = *std::move(pull);
  if (review.operation == "UPDATE" && !review.old_object().is_null()) {
    auto old = ExtractImages(review.kind, review.old_object());
    if (!old.ok()) return old.status().WithPrefix("error decoding old workload object");
    r.old_images = *std::move(old);
  }
  return r;
}

// The UPDATEs allowed without looking at images, if this is one.
std::optional<Decision> Shortcut(const AdmissionReview& review, const Features& features,
                                 const RequestImages& r) {
  if (review.operation != "UPDATE") return std::nullopt;
  // v3.10 lets an object being deleted through (finalizer removal must not block); we only do
  // so when the update does not also change an image.
  if (Metadata(review.old_object(), "deletionTimestamp") != nullptr && r.images == r.old_images) {
    return Allow(Decision::Kind::kShortcut, "object is being deleted, images unchanged");
  }
  if (features.automatic_unchanged_approval && IsScalable(review.kind) &&
      Replicas(review.object()) == 0) {
    return Allow(Decision::Kind::kShortcut, "replicas set to 0. skipping verification");
  }
  return std::nullopt;
}

SkipPolicy SkipsFor(const AdmissionReview& review, const Features& features,
                    const RequestImages& r) {
  SkipPolicy skips;
  // Scaling up from 0 revives pods whose images may no longer pass: verify them again.
  if (review.operation == "UPDATE" && features.automatic_unchanged_approval &&
      !(IsScalable(review.kind) && Replicas(review.old_object()) == 0)) {
    skips.unchanged = NormalizedSet(r.old_images);
  }
  skips.child_approval =
      features.automatic_child_approval &&
      features.resource_validation_mode != Features::ResourceValidationMode::kPodsOnly &&
      HasOwners(review.object());
  return skips;
}

// What became of one image, for a timed-out request's message.
std::string OutcomeOf(const ImageCheck& check) {
  if (check.timed_out) return check.result.image + ": not decided (" + check.result.reason + ")";
  if (check.result.allowed) return check.result.image + ": allowed";
  return check.result.image + ": denied (" + check.result.reason + ")";
}

// The deny of a request whose deadline passed before every image was decided: v3.10's wording,
// then every image's outcome, so that the one hanging back-end among many is named.
void DenyTimedOut(const AdmissionReview& review, std::span<const std::string> outcomes,
                  Decision& d) {
  std::string message = "validation of admission request " + review.uid +
                        " timed out after validating " + std::to_string(d.checks.size()) + "/" +
                        std::to_string(d.images.size()) + " images";
  for (size_t i = 0; i < outcomes.size(); ++i) message += (i == 0 ? ": " : "; ") + outcomes[i];
  d.kind = Decision::Kind::kTimeout;
  d.outcome = AdmissionOutcome::Deny(std::move(message));
  d.outcome.timed_out = true;
}

// One replace op per container path of every image pinned to a new reference, in container
// order.
std::vector<PatchOp> PatchFor(const std::vector<ContainerImage>& containers,
                              const std::vector<ImageCheck>& checks) {
  std::map<std::string, const ImageCheck*> by_image;
  for (const ImageCheck& c : checks) by_image.emplace(c.result.image, &c);
  std::vector<PatchOp> patch;
  for (const ContainerImage& container : containers) {
    const ImageCheck* c = by_image.at(container.image);
    if (c->result.allowed && !c->pinned.empty()) patch.push_back({container.path, c->pinned});
  }
  return patch;
}

}  // namespace

AdmitOutcome AdmitChecks(PolicyRunner& policy, const policy::PolicyRequest& request,
                         std::span<const policy::ImageResult> results, Deadline deadline) {
  AdmitOutcome a;
  auto verdict = policy.Admit(request, results, deadline);
  if (!verdict.ok()) {
    a.outcome = AdmissionOutcome::Deny(verdict.status().message());
    return a;
  }
  a.outcome.allowed = verdict->allowed;
  a.outcome.message = verdict->message;
  a.outcome.warnings = verdict->warnings;
  a.policy_message = verdict->message;
  a.policy_alerts = verdict->alerts;
  if (!a.outcome.allowed && a.outcome.message.empty()) {
    a.outcome.message = "denied by policy";
    for (const policy::ImageResult& r : results) {
      if (r.allowed) continue;
      a.outcome.message = r.reason;
      break;
    }
  }
  return a;
}

Decision DecideRequest(const AdmissionReview& review, PolicyRunner& policy,
                       const ImageCheckContext& ctx, Deadline deadline) {
  const Features& features = ctx.config->features;
  auto read = ReadImages(review);
  if (!read.ok()) return Invalid(read.status().message());
  if (auto shortcut = Shortcut(review, features, *read)) return *std::move(shortcut);

  // Identical raw strings are checked once and patched at every path (v3.10 consolidation).
  Decision d;
  std::set<std::string> seen;
  for (const ContainerImage& c : read->images) {
    if (seen.insert(c.image).second) d.images.push_back(c.image);
  }
  const policy::PolicyRequest request = MakePolicyRequest(review, ctx);
  std::vector<std::string> outcomes;
  outcomes.reserve(d.images.size());
  d.checks.reserve(d.images.size());
  for (ImageCheck& check : DecideImages(d.images, request, read->pull,
                                        SkipsFor(review, features, *read), policy, ctx, deadline)) {
    outcomes.push_back(OutcomeOf(check));
    if (check.timed_out) continue;
    if (!check.result.allowed) d.failed_images.push_back(check.result.image);
    d.checks.push_back(std::move(check));
  }
  if (d.checks.size() < d.images.size()) {
    DenyTimedOut(review, outcomes, d);
    return d;
  }

  d.kind = Decision::Kind::kValidated;
  std::vector<policy::ImageResult> results;
  results.reserve(d.checks.size());
  for (const ImageCheck& c : d.checks) results.push_back(c.result);
  AdmitOutcome admitted = AdmitChecks(policy, request, results, deadline);
  d.outcome = std::move(admitted.outcome);
  d.policy_message = std::move(admitted.policy_message);
  d.policy_alerts = std::move(admitted.policy_alerts);
  if (d.outcome.allowed) d.outcome.patch = PatchFor(read->images, d.checks);
  return d;
}

}  // namespace connaisseur::admission
