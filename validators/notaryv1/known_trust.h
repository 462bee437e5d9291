// KnownRoots: the last root.json verified per (GUN, trust roots), so that a cold verification
// can start from it while the snapshot still pins it (VerifyTrustChainFromRoot) instead of
// fetching and checking root.json again. Bounded; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "validators/notaryv1/trust_chain.h"

namespace connaisseur::notaryv1 {

class KnownRoots {
 public:
  // nullptr when nothing is known for `key`.
  std::shared_ptr<const TrustedRoot> Get(const std::string& key) const;
  // Remembers `root` for `key` (replacing what was known).
  void Put(const std::string& key, std::shared_ptr<const TrustedRoot> root);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const TrustedRoot>> roots_;  // guarded by mu_
};

}  // namespace connaisseur::notaryv1
