// LastVerifiedStore: the last success proven for each verification key, kept after the
// verification cache stopped reusing it, for features.cache.staleIfError (docs/operations.md
// "Cache"): when verifying the same key again fails because the back-end cannot be asked, the
// caller may admit with this earlier verified digest instead of denying.
//
// A success is kept at most `max_staleness` after it was proven, and never past its
// VerifiedImage::valid_until (the expiry of the signed data that proved it): Find answers nothing
// after either. The caller Forgets a key as soon as the back-end answers "no" for it, so a deny
// is never bridged. Memory is bounded like the verification cache's: when full, entries past
// their window go first, then arbitrary ones. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "runtime/verification/image_verifier.h"

namespace connaisseur::validators {

class LastVerifiedStore {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    // How long after its verification a success may still be used (cache.staleMaxSeconds).
    std::chrono::seconds max_staleness{3600};
    size_t max_entries = 100'000;
    // The clocks; tests pass their own. Empty = Clock::now / system_clock::now.
    std::function<Clock::time_point()> now;
    std::function<std::chrono::system_clock::time_point()> wall_now;
  };

  // A kept success and how long ago it was proven.
  struct Stale {
    verification::VerifiedImage image;
    std::chrono::seconds age{0};
  };

  explicit LastVerifiedStore(Options options) : options_(std::move(options)) {}

  // Keeps `verified` (a success this process just proved) for `key`, replacing the previous one.
  // A success whose valid_until already passed, or a window of 0, keeps nothing.
  void Remember(const std::string& key, const verification::VerifiedImage& verified);
  // Drops what is kept for `key` (the back-end denied it).
  void Forget(const std::string& key);
  // The success kept for `key` while its window lasts.
  std::optional<Stale> Find(const std::string& key) const;

  size_t size() const;

 private:
  struct Entry {
    verification::VerifiedImage image;
    Clock::time_point verified_at;
    Clock::time_point usable_until;  // min(verified_at + max_staleness, valid_until)
  };

  Clock::time_point Now() const { return options_.now ? options_.now() : Clock::now(); }
  std::chrono::system_clock::time_point WallNow() const {
    return options_.wall_now ? options_.wall_now() : std::chrono::system_clock::now();
  }

  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace connaisseur::validators
