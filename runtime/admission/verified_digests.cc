#include "runtime/admission/verified_digests.h"

#include <nlohmann/json.hpp>

namespace connaisseur::admission {

namespace {

// Appends `field` with its length first, so that no field's content can pass for a boundary
// (secret names in a Pod under review are not validated yet when a webhook sees them).
void AppendField(std::string& key, std::string_view field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
}

}  // namespace

std::string VerifiedDigests::Key(const config::Rule& rule,
                                 const verification::PullContext* identity,
                                 std::string_view pinned) {
  std::string key;
  AppendField(key, rule.validator);
  AppendField(key, rule.pattern);
  AppendField(key, rule.with_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  AppendField(key, pinned);
  if (identity == nullptr) return key;
  key += '|';
  AppendField(key, identity->namespace_name);
  // The kubelet pulls as "default" when no service account is named.
  AppendField(key, identity->service_account.empty() ? "default" : identity->service_account);
  for (const std::string& secret : identity->image_pull_secrets) AppendField(key, secret);
  return key;
}

void VerifiedDigests::Remember(const config::Rule& rule, const verification::PullContext* identity,
                               std::string_view pinned, Findings findings) {
  if (options_.ttl.count() <= 0) return;
  const Clock::time_point now = Now();
  std::lock_guard lock(mu_);
  if (entries_.size() >= options_.max_entries) {
    std::erase_if(entries_, [now](const auto& e) { return e.second.expiry <= now; });
    if (entries_.size() >= options_.max_entries) entries_.clear();
  }
  entries_[Key(rule, identity, pinned)] = {now + options_.ttl, std::move(findings)};
}

std::optional<VerifiedDigests::Findings> VerifiedDigests::Find(
    const config::Rule& rule, const verification::PullContext& pull,
    std::string_view pinned) const {
  if (options_.ttl.count() <= 0) return std::nullopt;
  const Clock::time_point now = Now();
  std::lock_guard lock(mu_);
  // A validator either always reads with pull credentials or never does, so an entry exists
  // under one of the two keys only.
  for (const verification::PullContext* identity :
       {static_cast<const verification::PullContext*>(nullptr), &pull}) {
    auto it = entries_.find(Key(rule, identity, pinned));
    if (it != entries_.end() && now < it->second.expiry) return it->second.findings;
  }
  return std::nullopt;
}

}  // namespace connaisseur::admission
