// SelectForImage, then VerifySelected: the per-image pipeline of docs/operations.md, for one
// distinct raw image string: parse → select (policy) → skips (unchanged, child; cache hits come
// from the verifier) → verify → pin. Records validation metrics; never throws, never allows what it
// did not verify.
//
// It comes in two steps so a request can verify its images concurrently while its policy (a
// single-threaded Lua state) is only called from the request's own thread: SelectForImage runs
// the policy, VerifySelected runs the validator and may run on any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "runtime/admission/policy_runner.h"
#include "runtime/admission/verified_digests.h"
#include "runtime/admission/worker_pool.h"
#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/log/logger.h"
#include "runtime/metrics/registry.h"
#include "runtime/policy/policy.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::admission {

// Skip reasons (metric label values and log text, v3.10 wording).
inline constexpr const char* kSkipUnchanged = "unchanged image reference";
inline constexpr const char* kSkipChild = "automatic approval of child image reference";
inline constexpr const char* kSkipCacheHit = "cache hit";

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
};

// What the skips need to know about the request (decided once per request).
struct SkipPolicy {
  // Normalised references of oldObject's images when unchanged approval applies, else empty.
  std::set<std::string> unchanged;
  // Child approval applies (feature on, not podsOnly, the object names an owner).
  bool child_approval = false;
};

struct ImageCheck {
  policy::ImageResult result;  // image, rule, allowed, digest, reason
  // The selected validator's kind; absent before a validator is found (metric label "unknown").
  std::optional<config::ValidatorType> validator_type;
  std::string pinned;      // normalised "<name>:<tag>@sha256:<hex>" to patch to; empty → no op
  bool timed_out = false;  // the request deadline passed during this image
  // Set by SelectForImage when the validator still has to run on this image; VerifySelected
  // clears it. A check with `pending` set is not a verdict (result.allowed is false).
  std::optional<image::ImageReference> pending;
};

// Step 1, on the thread that owns `policy`: parse, select, skips. Final unless `pending` is set.
ImageCheck SelectForImage(const std::string& raw, PolicyRunner& policy,
                          const policy::PolicyRequest& request, const SkipPolicy& skips,
                          const ImageCheckContext& ctx, Deadline deadline);

// Step 2, on any thread: runs the rule's validator on `check->pending` with the request's pull
// credentials `pull`, then pins. A no-op for a check without `pending`.
void VerifySelected(ImageCheck* check, const verification::PullContext& pull,
                    const ImageCheckContext& ctx, Deadline deadline);

}  // namespace connaisseur::admission
