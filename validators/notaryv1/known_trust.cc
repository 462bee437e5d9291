#include "validators/notaryv1/known_trust.h"

namespace connaisseur::notaryv1 {

size_t KnownTrustStore::Bytes(const KnownTrust& known) {
  // The parsed root is about as large as its bytes; the rest is kept as bytes only.
  size_t n = 2 * known.root.raw.size();
  for (const auto& [role, raw] : known.files) n += role.size() + raw.size();
  return n;
}

std::shared_ptr<const KnownTrust> KnownTrustStore::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = known_.find(key);
  return it == known_.end() ? nullptr : it->second;
}

void KnownTrustStore::Put(const std::string& key, std::shared_ptr<const KnownTrust> known) {
  const size_t size = Bytes(*known);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = known_.find(key); it != known_.end()) {
    bytes_ -= Bytes(*it->second);
    known_.erase(it);
  }
  if (size > kMaxBytes) return;
  while (!known_.empty() && (known_.size() >= kMaxEntries || bytes_ + size > kMaxBytes)) {
    bytes_ -= Bytes(*known_.begin()->second);
    known_.erase(known_.begin());
  }
  known_.emplace(key, std::move(known));
  bytes_ += size;
}

}  // namespace connaisseur::notaryv1
