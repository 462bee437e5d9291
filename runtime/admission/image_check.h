// DecideImages: the one per-image decision of docs/operations.md, shared by `check`, `test`,
// `review` and `serve`: for each raw image string, parse → the policy's `select` → skips
// (unchanged, child; cache hits come from the verifier) → the rule's validator → pin the
// verified digest. Records validation metrics; never throws, never allows what it did not verify.
// Callers differ only in how many images they pass and how they write the result; the request's
// verdict (`admit`, detection mode) is taken afterwards from these checks (request_decision.h).
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "runtime/admission/policy_runner.h"
#include "runtime/admission/verified_digests.h"
#include "runtime/admission/worker_pool.h"
#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/log/logger.h"
#include "runtime/metrics/registry.h"
#include "runtime/policy/policy.h"
#include "runtime/verification/image_verifier.h"
#include "runtime/verification/pull_context.h"

namespace connaisseur::admission {

// Skip reasons (metric label values and log text, v3.10 wording).
inline constexpr const char* kSkipUnchanged = "unchanged image reference";
inline constexpr const char* kSkipChild = "automatic approval of child image reference";
inline constexpr const char* kSkipCacheHit = "cache hit";
// features.cache.staleIfError answered with an earlier success because the back-end failed.
inline constexpr const char* kSkipStaleCacheHit = "stale cache hit";

inline constexpr size_t kDefaultParallelVerifications = 8;

// Long-lived collaborators, shared by every request. Pointers are borrowed.
struct ImageCheckContext {
  const config::Config* config = nullptr;
  verification::ImageVerifier* verifier = nullptr;
  VerifiedDigests* verified = nullptr;   // null: no child approval
  metrics::Registry* metrics = nullptr;  // may be null
  log::Logger* logger = nullptr;
  // Helps run one request's validator calls concurrently, at most max_parallel_verifications at
  // once (the request's thread included). Null: sequential.
  WorkerPool* pool = nullptr;
  size_t max_parallel_verifications = kDefaultParallelVerifications;
  // Where request.namespace_labels come from (asked only when a script reads them). Empty: the
  // read raises, naming the namespace.
  policy::NamespaceLabelFetch namespace_labels;
};

// What the skips need to know about the request (decided once per request). The default skips
// nothing (`check`, `test`).
struct SkipPolicy {
  // Normalised references of oldObject's images when unchanged approval applies, else empty.
  std::set<std::string> unchanged;
  // Child approval applies (feature on, not podsOnly, the object names an owner).
  bool child_approval = false;
};

// One image's decision. Fails closed: a default-built check denies.
struct ImageCheck {
  policy::ImageResult result;  // image, rule, allowed, digest, reason (what `admit` sees)
  std::string normalized;      // the parsed reference's normal form; empty when it does not parse
  // The selected validator's kind; absent before a validator is found (metric label "unknown").
  std::optional<config::ValidatorType> validator_type;
  std::string pinned;      // normalised "<name>:<tag>@sha256:<hex>" to patch to; empty → no op
  bool timed_out = false;  // the deadline passed before this image was decided (not a verdict)
  // Set between the policy step and the validator step: the image the validator still has to
  // run on. Never set in what DecideImages returns.
  std::optional<image::ImageReference> pending;
};

// Decides every image of `images` (one check each, in the same order) for the request
// `request`. The policy runs on the calling thread only (a Lua state serves one thread); the
// validators run concurrently on ctx.pool when there is one. Validators pull with `pull` (empty:
// anonymously). Images not decided before `deadline` come back with `timed_out` set and a
// reason; once the deadline passed, no further policy or validator call starts.
std::vector<ImageCheck> DecideImages(std::span<const std::string> images,
                                     const policy::PolicyRequest& request,
                                     const verification::PullContext& pull, const SkipPolicy& skips,
                                     PolicyRunner& policy, const ImageCheckContext& ctx,
                                     Deadline deadline);

}  // namespace connaisseur::admission
