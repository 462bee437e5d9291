#include "validators/notaryv1/known_roots.h"

namespace connaisseur::notaryv1 {

namespace {
// Bounds memory (a root.json is a few kB); beyond it an arbitrary entry goes, which only costs
// that GUN one root fetch.
constexpr size_t kMaxRoots = 10000;
}  // namespace

std::shared_ptr<const TrustedRoot> KnownRoots::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = roots_.find(key);
  return it == roots_.end() ? nullptr : it->second;
}

void KnownRoots::Put(const std::string& key, std::shared_ptr<const TrustedRoot> root) {
  std::lock_guard<std::mutex> lock(mu_);
  if (roots_.size() >= kMaxRoots && roots_.count(key) == 0) roots_.erase(roots_.begin());
  roots_[key] = std::move(root);
}

}  // namespace connaisseur::notaryv1
