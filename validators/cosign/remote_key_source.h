// RemoteKeySource: a trust root's public key held by a service (a KMS), fetched on first use,
// kept in memory and refreshed in the background, so verifications do not wait on the service.
//
//   - The first Key() fetches (before its deadline) and starts a refresher thread, which fetches
//     again every `refresh_interval` (5 min, as cosign's own key cache lives). A key whose
//     alias was moved to another key is therefore followed within that interval.
//   - A key is used while its last successful fetch is younger than `max_age` (15 min): a short
//     outage of the service costs nothing. Past that, or before any success, Key() fetches
//     itself and, failing, denies with "<description>: <failure>".
//   - Concurrent callers share one fetch; after a failure, callers within `retry_after` (5 s) get
//     the same failure without asking the service again, so a service that is down is not
//     hammered by every admission request.
// Nothing is fetched and no thread starts until a key is needed (lint and `check --plan` never
// touch the service).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "validators/cosign/key_source.h"

namespace connaisseur::cosign {

class RemoteKeySource final : public KeySource {
 public:
  // Fetches the key as DER SubjectPublicKeyInfo; errors say what failed (not which key).
  using Fetcher = std::function<StatusOr<std::string>(Deadline deadline)>;
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::chrono::milliseconds refresh_interval{std::chrono::minutes(5)};
    std::chrono::milliseconds max_age{std::chrono::minutes(15)};
    std::chrono::milliseconds retry_after{std::chrono::seconds(5)};
    // Deadline of each background fetch.
    std::chrono::milliseconds fetch_timeout{std::chrono::seconds(10)};
    std::function<Clock::time_point()> now;  // default Clock::now
  };

  // `description` names the key in every message ("AWS KMS key awskms:///alias/cosign").
  RemoteKeySource(std::string description, Fetcher fetch, Options options);
  ~RemoteKeySource() override;  // stops and joins the refresher

  StatusOr<std::shared_ptr<const crypto::PublicKey>> Key(Deadline deadline) const override;
  Status CheckReachable(Deadline deadline) const override { return Key(deadline).status(); }
  bool remote() const override { return true; }

  // Fetches once now and keeps the key on success (what the refresher runs). Returns the fetch's
  // failure, prefixed with the description.
  Status Refresh(Deadline deadline) const;

  size_t fetches() const;  // completed fetch attempts, for tests

 private:
  // One fetch; with `only_if_unusable`, none when the key became usable (or failed recently)
  // while this caller waited for the fetch lock.
  Status Fetch(Deadline deadline, bool only_if_unusable) const;
  // The cached key if it may still be used at `now`. Caller holds mu_.
  std::shared_ptr<const crypto::PublicKey> UsableLocked(Clock::time_point now) const;
  void StartRefresherLocked() const;
  void RefreshLoop(std::stop_token stop) const;

  const std::string description_;
  const Fetcher fetch_;
  const Options options_;

  mutable std::timed_mutex fetch_mu_;  // one fetch at a time
  mutable std::mutex mu_;
  mutable std::shared_ptr<const crypto::PublicKey> key_;  // guarded by mu_
  mutable Clock::time_point fetched_at_;                  // guarded by mu_
  mutable Status last_error_;                             // guarded by mu_
  mutable std::optional<Clock::time_point> failed_at_;    // guarded by mu_
  mutable size_t fetches_ = 0;                            // guarded by mu_
  mutable std::condition_variable_any wake_;
  mutable std::jthread refresher_;  // last: stopped and joined before the rest goes
};

}  // namespace connaisseur::cosign
