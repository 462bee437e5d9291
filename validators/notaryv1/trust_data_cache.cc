#include "validators/notaryv1/trust_data_cache.h"

namespace connaisseur::notaryv1 {

namespace {
constexpr size_t kMaxEntries = 10000;
}

StatusOr<std::shared_ptr<const TrustData>> TrustDataCache::Get(const std::string& key,
                                                               SystemTime now, Deadline deadline,
                                                               const Loader& load) {
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      bool fresh = std::chrono::steady_clock::now() - it->second.loaded < ttl_ &&
                   it->second.data->expires >= now;
      if (fresh) return it->second.data;
      entries_.erase(it);
    }
    auto f = flights_.find(key);
    if (f != flights_.end()) {
      flight = f->second;
    } else {
      flight = std::make_shared<Flight>();
      flights_.emplace(key, flight);
      leader = true;
    }
  }
  if (!leader) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_until(lock, deadline.at(), [&] { return flight->done; })) {
      return DeadlineExceededError("waiting for trust data of another request: deadline exceeded");
    }
    if (!flight->status.ok()) return flight->status;
    return flight->data;
  }

  auto result = load();
  std::lock_guard<std::mutex> lock(mu_);
  flight->done = true;
  if (result.ok()) {
    flight->data = *result;
    if (ttl_.count() > 0) {
      if (entries_.size() >= kMaxEntries) entries_.clear();
      entries_[key] = Entry{*result, std::chrono::steady_clock::now()};
    }
  } else {
    flight->status = result.status();
  }
  flights_.erase(key);
  cv_.notify_all();
  return result;
}

}  // namespace connaisseur::notaryv1
