// KnownTrust: what the last verification of a GUN (for one set of trust roots) established, so
// that a cold verification can start from it: the verified root (skipped while the snapshot
// pins it, VerifyTrustChainFromRoot) and the verified files' bytes (not downloaded again while
// the fresh timestamp and snapshot pin the same bytes; they are verified again all the same).
// KnownTrustStore keeps one per key, bounded in entries and bytes; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "validators/notaryv1/trust_chain.h"

namespace connaisseur::notaryv1 {

struct KnownTrust {
  TrustedRoot root;
  std::map<std::string, std::string> files;  // snapshot, targets, delegations: role → bytes
};

class KnownTrustStore {
 public:
  // nullptr when nothing is known for `key`.
  std::shared_ptr<const KnownTrust> Get(const std::string& key) const;
  // Remembers `known` for `key` (replacing what was known). Beyond the bounds, other entries
  // go first (each only costs its GUN one full download); one larger than the byte bound alone
  // is not kept.
  void Put(const std::string& key, std::shared_ptr<const KnownTrust> known);

  static constexpr size_t kMaxEntries = 10000;
  static constexpr size_t kMaxBytes = 64u << 20;

 private:
  static size_t Bytes(const KnownTrust& known);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const KnownTrust>> known_;  // guarded by mu_
  size_t bytes_ = 0;                                                // guarded by mu_
};

}  // namespace connaisseur::notaryv1
