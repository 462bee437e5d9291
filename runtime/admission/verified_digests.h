// VerifiedDigests: the digest-pinned references this webhook verified recently, per rule and
// validator options (docs/configuration.md).
//
// Automatic child approval never trusts ownerReferences (any user can write them). Instead, a
// child's image is approved without a network call only when it is exactly a reference this
// webhook produced by verifying (typically while pinning the parent a moment ago) under the same
// rule, validator and options, within the cache TTL. Anything else is verified like any image,
// so a forged ownerReference gains nothing.
//
// When the validator read the registry with the pull credentials of the object under review
// (cosign `auth.useKeychain`), the pull identity (namespace, service account, imagePullSecrets) is
// part of the entry, as it is of the verification cache's key: a namespace whose own credentials
// could not read the signatures is not approved because another namespace's could. Other
// validators' entries hold for any identity. (The API server's ServiceAccount admission sets a
// Pod's service account and may copy its pull secrets into the Pod before webhooks run, so a
// keychain child can miss and simply be verified again.)
//
// An entry keeps what the verification found beyond the digest (the verified attestations), so a
// child's `admit` sees what its parent's saw. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/verification/attestation.h"
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

  // What a verification found beyond the digest.
  struct Findings {
    std::vector<verification::Attestation> attestations;
    std::vector<std::string> attestation_errors;
  };

  explicit VerifiedDigests(Options options) : options_(std::move(options)) {}

  // `pinned`: the normalised "<name>[:<tag>]@sha256:<hex>" a verification under `rule` produced;
  // `identity`: the pull identity it read the registry with, or null when the validator used no
  // pull credentials.
  void Remember(const config::Rule& rule, const verification::PullContext* identity,
                std::string_view pinned, Findings findings);
  // The findings of an unexpired entry for `pinned` under `rule` that holds for `pull`, if any.
  std::optional<Findings> Find(const config::Rule& rule, const verification::PullContext& pull,
                               std::string_view pinned) const;

 private:
  struct Entry {
    Clock::time_point expiry;
    Findings findings;
  };
  static std::string Key(const config::Rule& rule, const verification::PullContext* identity,
                         std::string_view pinned);
  Clock::time_point Now() const { return options_.now ? options_.now() : Clock::now(); }

  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace connaisseur::admission
