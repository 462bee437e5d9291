#include "validators/cosign/remote_key_source.h"

namespace connaisseur::cosign {

RemoteKeySource::RemoteKeySource(std::string description, Fetcher fetch, Options options)
    : description_(std::move(description)), fetch_(std::move(fetch)), options_([&] {
        if (!options.now) options.now = [] { return Clock::now(); };
        return std::move(options);
      }()) {}

RemoteKeySource::~RemoteKeySource() {
  if (refresher_.joinable()) {
    refresher_.request_stop();
    wake_.notify_all();
    refresher_.join();
  }
}

std::shared_ptr<const crypto::PublicKey> RemoteKeySource::UsableLocked(
    Clock::time_point now) const {
  if (key_ && now - fetched_at_ < options_.max_age) return key_;
  return nullptr;
}

void RemoteKeySource::StartRefresherLocked() const {
  if (refresher_.joinable()) return;
  refresher_ = std::jthread([this](std::stop_token stop) { RefreshLoop(stop); });
}

void RemoteKeySource::RefreshLoop(std::stop_token stop) const {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Wakes early only when stopped.
      wake_.wait_for(lock, stop, options_.refresh_interval, [] { return false; });
      if (stop.stop_requested()) return;
    }
    // A failure is kept in last_error_; the key fetched before stays usable until max_age.
    (void)Refresh(Deadline::In(options_.fetch_timeout));
  }
}

Status RemoteKeySource::Refresh(Deadline deadline) const { return Fetch(deadline, false); }

Status RemoteKeySource::Fetch(Deadline deadline, bool only_if_unusable) const {
  std::unique_lock<std::timed_mutex> fetching(fetch_mu_, std::defer_lock);
  const bool locked =
      deadline.infinite() ? (fetching.lock(), true) : fetching.try_lock_until(deadline.at());
  if (!locked) {
    return DeadlineExceededError(description_ + ": waiting for the key fetch in progress");
  }
  if (only_if_unusable) {
    // Another caller may have fetched (or failed) while this one waited for the lock.
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = options_.now();
    if (UsableLocked(now)) return Status();
    if (failed_at_ && now - *failed_at_ < options_.retry_after) return last_error_;
  }
  auto fetched = fetch_(deadline);
  StatusOr<crypto::PublicKey> key = fetched.ok() ? crypto::PublicKey::FromSpkiDer(*fetched)
                                                 : StatusOr<crypto::PublicKey>(fetched.status());
  std::lock_guard<std::mutex> lock(mu_);
  ++fetches_;
  if (!key.ok()) {
    last_error_ = key.status().WithPrefix(description_);
    failed_at_ = options_.now();
    return last_error_;
  }
  key_ = std::make_shared<const crypto::PublicKey>(std::move(key).value());
  fetched_at_ = options_.now();
  last_error_ = Status();
  failed_at_.reset();
  return Status();
}

StatusOr<std::shared_ptr<const crypto::PublicKey>> RemoteKeySource::Key(Deadline deadline) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = options_.now();
    if (auto usable = UsableLocked(now)) {
      StartRefresherLocked();
      return usable;
    }
    if (failed_at_ && now - *failed_at_ < options_.retry_after) return last_error_;
  }
  Status refreshed = Fetch(deadline, /*only_if_unusable=*/true);
  std::lock_guard<std::mutex> lock(mu_);
  StartRefresherLocked();  // also after a failure: the service may come back
  if (auto usable = UsableLocked(options_.now())) return usable;
  return refreshed.ok() ? InternalError(description_ + ": key fetched but not usable") : refreshed;
}

size_t RemoteKeySource::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace connaisseur::cosign
