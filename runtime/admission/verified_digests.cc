#include "runtime/admission/verified_digests.h"

#include <nlohmann/json.hpp>

namespace connaisseur::admission {

std::string VerifiedDigests::Key(const config::Rule& rule, const verification::PullContext& pull,
                                 std::string_view pinned) {
  // Newlines cannot occur in a validator name, a pattern, a compact JSON dump's structure or a
  // Kubernetes object name, so the fields cannot run into each other.
  std::string key = rule.validator;
  key += '\n';
  key += rule.pattern;
  key += '\n';
  key += rule.with_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  key += '\n';
  key += pull.namespace_name;
  key += '\n';
  key += pull.service_account;
  for (const std::string& secret : pull.image_pull_secrets) {
    key += '\n';
    key += secret;
  }
  key += "\n\n";
  key += pinned;
  return key;
}

void VerifiedDigests::Remember(const config::Rule& rule, const verification::PullContext& pull,
                               std::string_view pinned) {
  if (options_.ttl.count() <= 0) return;
  const Clock::time_point now = Now();
  std::lock_guard lock(mu_);
  if (expiry_.size() >= options_.max_entries) {
    std::erase_if(expiry_, [now](const auto& e) { return e.second <= now; });
    if (expiry_.size() >= options_.max_entries) expiry_.clear();
  }
  expiry_[Key(rule, pull, pinned)] = now + options_.ttl;
}

bool VerifiedDigests::Contains(const config::Rule& rule, const verification::PullContext& pull,
                               std::string_view pinned) const {
  if (options_.ttl.count() <= 0) return false;
  const Clock::time_point now = Now();
  std::lock_guard lock(mu_);
  auto it = expiry_.find(Key(rule, pull, pinned));
  return it != expiry_.end() && now < it->second;
}

}  // namespace connaisseur::admission
