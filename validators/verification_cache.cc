#include "validators/verification_cache.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "runtime/image/content_digest.h"
#include "validators/backend_failure.h"

namespace connaisseur::validators {

struct VerificationCache::Flight {
  std::condition_variable done_cv;
  bool done = false;                                             // guarded by the cache's mu_
  std::optional<StatusOr<verification::VerifiedImage>> outcome;  // set once done
};

VerificationCache::VerificationCache(Options options) : options_(std::move(options)) {}
VerificationCache::~VerificationCache() = default;

VerificationCache::Clock::time_point VerificationCache::Now() const {
  return options_.now ? options_.now() : Clock::now();
}

StatusOr<verification::VerifiedImage> VerificationCache::GetOrVerify(const std::string& key,
                                                                     const VerifyFn& verify,
                                                                     Deadline deadline,
                                                                     bool* from_cache) {
  if (from_cache != nullptr) *from_cache = false;
  std::unique_lock lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    const Entry& e = it->second;
    const bool fresh = Now() < e.expires;
    const bool well_formed = !e.status.ok() || image::IsSha256Digest(e.value.digest);
    if (fresh && well_formed) {
      ++stats_.hits;
      if (from_cache != nullptr) *from_cache = true;
      if (!e.status.ok()) return e.status;
      return e.value;
    }
    entries_.erase(it);
  }
  return RunOrJoin(lock, key, verify, deadline, /*store=*/true);
}

StatusOr<verification::VerifiedImage> VerificationCache::Share(const std::string& key,
                                                               const VerifyFn& work,
                                                               Deadline deadline) {
  std::unique_lock lock(mu_);
  return RunOrJoin(lock, key, work, deadline, /*store=*/false);
}

StatusOr<verification::VerifiedImage> VerificationCache::RunOrJoin(
    std::unique_lock<std::mutex>& lock, const std::string& key, const VerifyFn& work,
    Deadline deadline, bool store) {
  if (auto it = flights_.find(key); it != flights_.end()) {
    // Someone is working on this key right now: wait for their outcome instead of repeating it.
    std::shared_ptr<Flight> running = it->second;
    ++stats_.joined;
    auto finished = [&] { return running->done; };
    if (deadline.infinite()) {
      running->done_cv.wait(lock, finished);
    } else if (!running->done_cv.wait_until(lock, deadline.at(), finished)) {
      return DeadlineExceededError(
          "deadline passed while waiting for a verification of the "
          "same image on another worker");
    }
    return *running->outcome;
  }
  auto flight = std::make_shared<Flight>();
  flights_.emplace(key, flight);
  if (store) ++stats_.misses;
  lock.unlock();

  // Waiters must be released even if `work` unwinds (e.g. std::bad_alloc reaching the
  // worker's catch-all): the guard then completes the flight with an internal error.
  struct Completion {
    VerificationCache* cache;
    const std::string& key;
    Flight* flight;
    bool store;
    std::optional<StatusOr<verification::VerifiedImage>> outcome;
    ~Completion() {
      std::lock_guard guard(cache->mu_);
      if (!outcome.has_value()) {
        outcome.emplace(InternalError("verification ended without a result"));
      } else if (store) {
        cache->StoreLocked(key, *outcome);
      }
      flight->outcome = *outcome;
      flight->done = true;
      cache->flights_.erase(key);
      flight->done_cv.notify_all();
    }
  } completion{this, key, flight.get(), store, std::nullopt};
  completion.outcome.emplace(work());
  return *completion.outcome;
}

void VerificationCache::StoreLocked(const std::string& key,
                                    const StatusOr<verification::VerifiedImage>& outcome) {
  if (options_.ttl.count() <= 0 || options_.max_entries == 0) return;
  if (outcome.ok() && !image::IsSha256Digest(outcome->digest)) return;  // nothing worth remembering
  if (!outcome.ok() &&
      (!options_.cache_errors || outcome.status().code() == StatusCode::kDeadlineExceeded)) {
    return;
  }
  std::chrono::seconds life = options_.ttl;
  if (!outcome.ok()) {
    life = std::min(
        life, IsBackendFailure(outcome.status()) ? options_.backend_error_ttl : options_.error_ttl);
  }
  if (life.count() <= 0) return;
  const Clock::time_point now = Now();
  if (entries_.size() >= options_.max_entries) {
    std::erase_if(entries_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (entries_.size() >= options_.max_entries) entries_.erase(entries_.begin());
  }
  Entry entry;
  entry.expires = now + life;
  if (outcome.ok() && outcome->valid_until) {
    const auto left = *outcome->valid_until - std::chrono::system_clock::now();
    if (left <= left.zero()) return;
    entry.expires =
        std::min(entry.expires, now + std::chrono::duration_cast<Clock::duration>(left));
  }
  if (outcome.ok()) {
    entry.value = *outcome;
  } else {
    entry.status = outcome.status();
  }
  entries_.insert_or_assign(key, std::move(entry));
}

VerificationCache::Stats VerificationCache::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace connaisseur::validators
