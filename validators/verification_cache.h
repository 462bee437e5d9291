// VerificationCache: remembers validator outcomes for a short TTL (docs/operations.md) and lets
// concurrent callers asking for the same key share one verification (single-flight), so a
// repeated image costs one round of network calls however many workers ask for it at once.
//
// Keys are opaque strings built by the caller from everything that decides the outcome
// (validator name, rule options, normalised reference). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/deadline.h"
#include "runtime/status.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::validators {

class VerificationCache {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    // How long a success is reused. <= 0 disables storing (single-flight still applies).
    std::chrono::seconds ttl{30};
    // Also remember failures (features.cache.cacheErrors). Deadline overruns never are: they
    // say more about the caller's budget than about the image.
    bool cache_errors = true;
    // How long a failure is reused: an answer about the image (a deny: bad signature, no trust
    // data, ...) for error_ttl, a back-end failure (IsBackendFailure: unreachable, 5xx) for
    // backend_error_ttl, each never longer than `ttl`. Shorter than successes, so a newly signed
    // image or a recovered back-end is seen soon; long enough to absorb a burst of retries.
    std::chrono::seconds error_ttl{10};
    std::chrono::seconds backend_error_ttl{5};
    // Upper bound on stored outcomes; when full, expired ones go first, then arbitrary ones.
    size_t max_entries = 100'000;
    // The clock; tests pass their own to move time without sleeping. Empty = Clock::now.
    std::function<Clock::time_point()> now;
  };

  struct Stats {
    uint64_t hits = 0;    // answered from a stored outcome
    uint64_t misses = 0;  // ran the verification
    uint64_t joined = 0;  // waited for another caller's work on the same key (Share included)
  };

  using VerifyFn = std::function<StatusOr<verification::VerifiedImage>()>;

  explicit VerificationCache(Options options);
  ~VerificationCache();
  VerificationCache(const VerificationCache&) = delete;
  VerificationCache& operator=(const VerificationCache&) = delete;

  // Returns a stored outcome for `key`, or waits (until `deadline`) for a verification of `key`
  // already running on another thread, or runs `verify` itself and stores its outcome.
  // `*from_cache` (may be null) tells whether a stored outcome was used. A stored success whose
  // digest is not "sha256:<64 lower-case hex>" is discarded and verified again.
  StatusOr<verification::VerifiedImage> GetOrVerify(const std::string& key, const VerifyFn& verify,
                                                    Deadline deadline, bool* from_cache);

  // Single-flight without storing: runs `work` unless a call with the same `key` is running,
  // in which case it waits (until `deadline`) for that call's outcome (counted in joined). Keys
  // share one namespace with GetOrVerify's: callers keep them apart.
  StatusOr<verification::VerifiedImage> Share(const std::string& key, const VerifyFn& work,
                                              Deadline deadline);

  Stats stats() const;

 private:
  struct Flight;  // one running verification and its waiters
  struct Entry {
    Clock::time_point expires;
    Status status;  // OK, or the remembered failure
    verification::VerifiedImage value;
  };

  Clock::time_point Now() const;
  // Joins the flight running `key`, or runs `work` as a new one (storing its outcome when
  // `store`). `lock` holds mu_ on entry; it is released while waiting or working.
  StatusOr<verification::VerifiedImage> RunOrJoin(std::unique_lock<std::mutex>& lock,
                                                  const std::string& key, const VerifyFn& work,
                                                  Deadline deadline, bool store);
  void StoreLocked(const std::string& key, const StatusOr<verification::VerifiedImage>& outcome);

  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;                    // guarded by mu_
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;  // guarded by mu_
  Stats stats_;                                                       // guarded by mu_
};

}  // namespace connaisseur::validators
