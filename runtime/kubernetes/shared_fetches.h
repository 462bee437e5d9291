// SharedFetches<V>: a short-lived memory of API objects, so that a burst of admission requests
// does not send the API server one GET per request: a value fetched for a key is reused for
// `ttl`, and callers asking for a key while its fetch runs wait for that fetch instead of
// starting their own (single flight). Failures reach the callers that waited but are not kept.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "runtime/deadline.h"
#include "runtime/status.h"

namespace connaisseur::kubernetes {

template <typename V>
class SharedFetches {
 public:
  using Clock = Deadline::Clock;
  using Fetch = std::function<StatusOr<V>()>;

  // Past this many keys, finished entries are dropped before a new fetch (names in requests
  // are chosen by whoever creates Pods: the memory must not grow with them).
  static constexpr size_t kMaxKeys = 4096;

  // `now` (may be empty: Clock::now) lets tests move time without sleeping.
  SharedFetches(std::chrono::seconds ttl, std::function<Clock::time_point()> now)
      : ttl_(ttl), now_(now ? std::move(now) : [] { return Clock::now(); }) {}

  // A value stored less than `ttl` ago, or the outcome of the fetch running for `key`, or the
  // outcome of `fetch` run on this thread. kDeadlineExceeded when `deadline` passes while
  // waiting for another thread's fetch.
  StatusOr<V> Get(const std::string& key, Deadline deadline, const Fetch& fetch) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = slots_.find(key);
    if (it != slots_.end() && it->second.stored_at && now_() - *it->second.stored_at >= ttl_) {
      slots_.erase(it);
      it = slots_.end();
    }
    if (it != slots_.end()) {  // stored, or being fetched by another thread
      std::shared_future<StatusOr<V>> shared = it->second.result;
      lock.unlock();
      if (!deadline.infinite() && shared.wait_until(deadline.at()) != std::future_status::ready) {
        return DeadlineExceededError("deadline passed waiting for the Kubernetes API");
      }
      return shared.get();
    }
    if (slots_.size() >= kMaxKeys) DropFinishedLocked();
    std::promise<StatusOr<V>> promise;
    slots_.emplace(key, Slot{std::nullopt, promise.get_future().share()});
    lock.unlock();

    StatusOr<V> result = fetch();
    promise.set_value(result);

    lock.lock();
    it = slots_.find(key);
    if (it != slots_.end() && !it->second.stored_at) {
      if (result.ok()) {
        it->second.stored_at = now_();
      } else {
        slots_.erase(it);
      }
    }
    return result;
  }

 private:
  struct Slot {
    std::optional<Clock::time_point> stored_at;  // nullopt while the fetch runs
    std::shared_future<StatusOr<V>> result;
  };

  void DropFinishedLocked() {
    for (auto it = slots_.begin(); it != slots_.end();) {
      it = it->second.stored_at ? slots_.erase(it) : std::next(it);
    }
  }

  const std::chrono::seconds ttl_;
  const std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::unordered_map<std::string, Slot> slots_;  // guarded by mu_
};

}  // namespace connaisseur::kubernetes
