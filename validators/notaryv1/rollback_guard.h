// RollbackGuard: remembers, per GUN, the highest accepted version of every role and the content
// it had, so that a server (or attacker) cannot serve older metadata after newer was seen, nor
// different content under a version already seen. In-process only. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "runtime/status.h"
#include "validators/notaryv1/trust_chain.h"

namespace connaisseur::notaryv1 {

class RollbackGuard {
 public:
  // kVerificationFailed "rollback detected for <role>: ..." when any role of `data` is older
  // than, or differs at the same version from, what was accepted before for `gun`.
  // Otherwise records `data` as the newest accepted state and returns OK.
  Status CheckAndRecord(const std::string& gun, const TrustData& data);

 private:
  struct Seen {
    int64_t version = 0;
    std::string content_sha256;  // of the canonical `signed` bytes
  };
  std::mutex mu_;
  std::map<std::string, std::map<std::string, Seen>> seen_;  // guarded by mu_; gun → role → seen
};

}  // namespace connaisseur::notaryv1
