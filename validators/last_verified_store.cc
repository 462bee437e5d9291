#include "validators/last_verified_store.h"

#include <algorithm>

namespace connaisseur::validators {

void LastVerifiedStore::Remember(const std::string& key,
                                 const verification::VerifiedImage& verified) {
  if (options_.max_staleness.count() <= 0 || options_.max_entries == 0) return;
  const Clock::time_point now = Now();
  Entry entry{verified, now, now + options_.max_staleness};
  if (verified.valid_until) {
    // Signed data carries wall-clock expiries; the window runs on the steady clock.
    const auto left = *verified.valid_until - WallNow();
    if (left <= left.zero()) return;
    entry.usable_until =
        std::min(entry.usable_until, now + std::chrono::duration_cast<Clock::duration>(left));
  }
  std::lock_guard lock(mu_);
  if (entries_.size() >= options_.max_entries && !entries_.contains(key)) {
    std::erase_if(entries_, [now](const auto& kv) { return kv.second.usable_until <= now; });
    if (entries_.size() >= options_.max_entries) entries_.erase(entries_.begin());
  }
  entries_.insert_or_assign(key, std::move(entry));
}

void LastVerifiedStore::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

std::optional<LastVerifiedStore::Stale> LastVerifiedStore::Find(const std::string& key) const {
  const Clock::time_point now = Now();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.usable_until) return std::nullopt;
  // valid_until is checked against the wall clock again: the steady conversion at Remember
  // does not follow a wall clock that jumped since.
  const auto& valid_until = it->second.image.valid_until;
  if (valid_until && WallNow() >= *valid_until) return std::nullopt;
  return Stale{it->second.image,
               std::chrono::duration_cast<std::chrono::seconds>(now - it->second.verified_at)};
}

size_t LastVerifiedStore::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace connaisseur::validators
