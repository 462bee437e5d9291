// TrustDataCache: verified trust data per key (GUN + trust roots + delegations) for a short
// TTL and never past the data's own expiry, with single-flight: concurrent misses for one key
// run one verification and share its result. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/deadline.h"
#include "runtime/status.h"
#include "validators/notaryv1/trust_chain.h"

namespace connaisseur::notaryv1 {

class TrustDataCache {
 public:
  using Loader = std::function<StatusOr<std::shared_ptr<const TrustData>>()>;

  // `ttl` <= 0 disables caching (single-flight still applies).
  explicit TrustDataCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // The cached data for `key` if fresh (younger than the TTL and not expired at `now`), else
  // the result of `load` (run once for all concurrent callers of `key`). Errors are not cached.
  // A caller waiting for another's load gives up at `deadline` (kDeadlineExceeded).
  StatusOr<std::shared_ptr<const TrustData>> Get(const std::string& key, SystemTime now,
                                                 Deadline deadline, const Loader& load);

 private:
  struct Flight {
    bool done = false;
    Status status;
    std::shared_ptr<const TrustData> data;
  };
  struct Entry {
    std::shared_ptr<const TrustData> data;
    std::chrono::steady_clock::time_point loaded;
  };

  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> entries_;                    // guarded by mu_
  std::map<std::string, std::shared_ptr<Flight>> flights_;  // guarded by mu_
};

}  // namespace connaisseur::notaryv1
