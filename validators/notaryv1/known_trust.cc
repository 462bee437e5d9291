#include "validators/notaryv1/known_trust.h"

namespace connaisseur::notaryv1 {

namespace {
// Bounds memory (a GUN's metadata is a few kB to a few hundred kB); beyond it an arbitrary entry
// goes, which only costs that GUN one full download.
constexpr size_t kMaxEntries = 10000;
}  // namespace

std::shared_ptr<const KnownTrust> KnownTrustStore::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = known_.find(key);
  return it == known_.end() ? nullptr : it->second;
}

void KnownTrustStore::Put(const std::string& key, std::shared_ptr<const KnownTrust> known) {
  std::lock_guard<std::mutex> lock(mu_);
  if (known_.size() >= kMaxEntries && known_.count(key) == 0) known_.erase(known_.begin());
  known_[key] = std::move(known);
}

}  // namespace connaisseur::notaryv1
