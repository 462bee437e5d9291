#include "validators/notaryv1/rollback_guard.h"

#include <vector>

#include "runtime/crypto/digest.h"

namespace connaisseur::notaryv1 {

namespace {
constexpr size_t kMaxGuns = 100000;  // bounds memory; beyond it the oldest knowledge is dropped
}

Status RollbackGuard::CheckAndRecord(const std::string& gun, const TrustData& data) {
  std::vector<const SignedEnvelope*> envs = {&data.root.envelope, &data.timestamp.envelope,
                                             &data.snapshot.envelope};
  for (const auto& [name, role] : data.targets) envs.push_back(&role.envelope);

  std::lock_guard<std::mutex> lock(mu_);
  if (seen_.size() >= kMaxGuns && !seen_.count(gun)) seen_.erase(seen_.begin());
  auto& roles = seen_[gun];
  std::vector<std::pair<const SignedEnvelope*, std::string>> updates;
  for (const SignedEnvelope* env : envs) {
    std::string hash = crypto::Sha256Hex(env->canonical);
    auto it = roles.find(env->role);
    if (it != roles.end()) {
      if (env->version < it->second.version) {
        return VerificationFailedError("rollback detected for " + env->role + ": version " +
                                       std::to_string(env->version) + " after version " +
                                       std::to_string(it->second.version));
      }
      if (env->version == it->second.version && hash != it->second.content_sha256) {
        return VerificationFailedError("rollback detected for " + env->role + ": version " +
                                       std::to_string(env->version) +
                                       " seen before with other content");
      }
    }
    updates.emplace_back(env, std::move(hash));
  }
  for (auto& [env, hash] : updates) roles[env->role] = Seen{env->version, std::move(hash)};
  return Status::Ok();
}

}  // namespace connaisseur::notaryv1
