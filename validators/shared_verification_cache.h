// SharedVerificationCache: verified digests shared by the webhook's replicas through Redis
// (features.cache.redis; docs/operations.md "Cache"). It sits behind the in-process
// VerificationCache: ValidatorSet looks here on an in-process miss, before verifying, and stores
// here after a successful verification. Failures are never shared.
//
// An entry is keyed by a hash of the in-process cache key (validator, rule `with` options, image,
// pull identity) and holds that key, the validator, the options, the image, the digest and its
// expiry (wall clock, as replicas share no monotonic clock). A read re-checks all of it: an entry
// for another key, validator, options or image, a digest that is malformed or differs from the
// one the reference pins, an expiry past the TTL or already reached, or an unparsable value is
// ignored (counted, logged), and the caller verifies and overwrites it. An entry never outlives
// the TTL nor the VerifiedImage::valid_until the validator reported. Redis failures are misses.
//
// Entries are sealed with Options::entry_key (SealSharedCacheEntry): only the webhook's replicas
// hold that key (a file mounted from a Secret the Redis pods do not see), so whoever can write to
// Redis without it cannot make an entry any replica accepts. Unsealed, an entry naming the digest
// of an unsigned image for a signed image's tag, or for the unsigned image itself, would admit it.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/deadline.h"
#include "runtime/log/logger.h"
#include "runtime/redis/redis_client.h"
#include "runtime/verification/image_verifier.h"

namespace connaisseur::validators {

// What an entry must match to answer for a verification.
struct SharedCacheSubject {
  std::string key;        // the in-process cache key (everything that decides the outcome)
  std::string validator;  // rule.validator
  std::string options;    // rule `with` as compact JSON
  std::string image;      // the normalised reference verified (by digest when one was pinned)
  std::optional<std::string> pinned_digest;  // the digest the reference names, if any
};

// "<lower-case hex HMAC-SHA256 of entry_json under entry_key>.<entry_json>"; "" when the key is
// empty or HMAC fails (then nothing is stored).
std::string SealSharedCacheEntry(std::string_view entry_key, std::string_view entry_json);
// The JSON of a value SealSharedCacheEntry made with the same key; kInvalidArgument otherwise.
StatusOr<std::string> OpenSharedCacheEntry(std::string_view entry_key, std::string_view value);

class SharedVerificationCache {
 public:
  struct Options {
    // The secret entries are sealed with (at least 32 bytes; features.cache.redis.entryKeyFile).
    // Empty: nothing is shared (every lookup misses, nothing is stored).
    std::string entry_key;
    std::string key_prefix = "connaisseur:";
    std::chrono::seconds ttl{30};  // > 0
    // Wall clock; tests pass their own. Empty = system_clock::now.
    std::function<std::chrono::system_clock::time_point()> now;
    log::Logger* logger = nullptr;  // borrowed; may be null
    // Cross-replica single-flight (LookupOrLock): how long a replica's claim on verifying an
    // image lasts, and how often the others look for its entry meanwhile. A claim whose holder
    // died or hangs expires, and the others verify themselves.
    std::chrono::milliseconds lock_ttl{5000};
    std::chrono::milliseconds lock_poll{25};
  };

  // `client` is borrowed and must outlive the cache.
  SharedVerificationCache(redis::RedisClient* client, Options options)
      : client_(client), options_(std::move(options)) {}

  // A verified digest another replica (or this one) stored for `subject`, or nullopt (none,
  // ignored, or Redis failing). A hit has cache == kCacheHit and valid_until = the entry's end.
  std::optional<verification::VerifiedImage> Lookup(const SharedCacheSubject& subject,
                                                    Deadline deadline);
  // Lookup, and on a miss the cross-replica single-flight: claims the image with a short Redis
  // lock (SET NX PX lock_ttl). Returns nullopt with *locked = true when this caller holds the
  // claim (it verifies, Stores, then Unlocks). While another replica holds it, waits for that
  // replica's entry, at most until the claim expires and never past half of what is left of
  // `deadline` (so the caller still has time to verify); returns the entry, or nullopt with
  // *locked = false (verify without a claim) when none came or Redis fails.
  std::optional<verification::VerifiedImage> LookupOrLock(const SharedCacheSubject& subject,
                                                          Deadline deadline, bool* locked);
  // Gives up this caller's claim (best effort; it expires anyway).
  void Unlock(const SharedCacheSubject& subject, Deadline deadline);

  // Shares a successful verification of `subject` (best effort: failures are counted by the
  // client and otherwise ignored).
  void Store(const SharedCacheSubject& subject, const verification::VerifiedImage& verified,
             Deadline deadline);

  // The Redis key of `subject`: prefix + "verified:" + sha256 of the in-process key.
  std::string RedisKey(const SharedCacheSubject& subject) const;
  // The key of its single-flight claim: prefix + "verifying:" + the same hash.
  std::string LockKey(const SharedCacheSubject& subject) const;

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  // Lookups that waited for another replica's verification of the same image.
  uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }
  uint64_t ignored() const { return ignored_.load(std::memory_order_relaxed); }
  uint64_t redis_errors() const { return client_->errors(); }

 private:
  std::chrono::system_clock::time_point Now() const;
  // SET NX PX on the subject's lock key: OK = claimed, nullopt = another replica holds it.
  StatusOr<bool> TryLock(const SharedCacheSubject& subject, Deadline deadline);
  // The entry's VerifiedImage when `value` answers for `subject` now; otherwise why not.
  StatusOr<verification::VerifiedImage> Check(const SharedCacheSubject& subject,
                                              const std::string& value) const;

  redis::RedisClient* client_;  // borrowed
  const Options options_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> ignored_{0};
  std::atomic<uint64_t> waits_{0};
};

}  // namespace connaisseur::validators
