// VerifiedDigests: the digest-pinned references this webhook verified recently, per rule and
// validator options (docs/configuration.md).
//
// Automatic child approval never trusts ownerReferences (any user can write them). Instead, a
// child's image is approved without a network call only when it is exactly a reference this
// webhook produced by verifying (typically while pinning the parent a moment ago) under the same
// rule, validator and options, for the same pull identity, within the cache TTL. Anything else is
// verified like any image, so a forged ownerReference gains nothing. The pull identity (namespace,
// service account, imagePullSecrets) is part of the key as it is of the verification cache's: a
// namespace that could not read an image's signatures with its own credentials (cosign
// `auth.useKeychain`) does not get it approved because another namespace could. A real child
// (ReplicaSet of a Deployment, Pod of a ReplicaSet, Job of a CronJob) has its parent's namespace
// and pod template, hence the same identity. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/config/config.h"
#include "runtime/verification/pull_context.h"

namespace connaisseur::admission {

class VerifiedDigests {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::chrono::seconds ttl{30};            // <= 0: remember nothing
    size_t max_entries = 50'000;             // when full, expired entries go first, then everything
    std::function<Clock::time_point()> now;  // tests move time without sleeping; empty = now()
  };

  explicit VerifiedDigests(Options options) : options_(std::move(options)) {}

  // `pinned`: the normalised "<name>[:<tag>]@sha256:<hex>" a verification under `rule`, pulling
  // as `pull`, produced.
  void Remember(const config::Rule& rule, const verification::PullContext& pull,
                std::string_view pinned);
  bool Contains(const config::Rule& rule, const verification::PullContext& pull,
                std::string_view pinned) const;

 private:
  static std::string Key(const config::Rule& rule, const verification::PullContext& pull,
                         std::string_view pinned);
  Clock::time_point Now() const { return options_.now ? options_.now() : Clock::now(); }

  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Clock::time_point> expiry_;  // guarded by mu_
};

}  // namespace connaisseur::admission
