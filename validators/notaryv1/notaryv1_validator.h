// NotaryV1Validator: proves an image's digest from Notary v1 (Docker Content Trust) metadata,
// verified end to end against the validator's pinned trust roots (docs/security.md "(3) The notary
// server").
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config/config.h"
#include "validators/notaryv1/known_trust.h"
#include "validators/notaryv1/notary_client.h"
#include "validators/notaryv1/rollback_guard.h"
#include "validators/notaryv1/trust_chain.h"
#include "validators/notaryv1/trust_data_cache.h"
#include "validators/validator.h"

namespace connaisseur::notaryv1 {

struct NotaryV1Options {
  // Where `auth.secretName` secrets are mounted (one directory per secret).
  std::string secrets_dir = "/app/secrets";
  // Accept an http:// host and token realm. Tests only; default https only.
  bool allow_plain_http = false;
  // How long verified trust data is reused (never past its own expiry). 0 disables reuse.
  std::chrono::milliseconds cache_ttl{30000};
  // Bound of each HTTP request (connect + transfer), inside the caller's deadline.
  std::chrono::milliseconds request_timeout{10000};
};

class NotaryV1Validator : public validators::Validator {
 public:
  // kInvalidArgument for a config that cannot work: no trust roots, a key that is not exactly
  // one PEM public key of a supported type, an unparseable `cert`, an http:// host, an
  // unreadable auth secret.
  static StatusOr<std::unique_ptr<NotaryV1Validator>> Create(const config::ValidatorConfig& config,
                                                             const NotaryV1Options& options = {});

  config::ValidatorType type() const override { return config::ValidatorType::kNotaryV1; }

  // Uses `options.trust_root` ("" = "default", "*" = all) and `options.delegations`.
  StatusOr<validators::VerifiedImage> Verify(const image::ImageReference& image,
                                             const config::RuleOptions& options,
                                             Deadline deadline) const override;

  // The notary host's health endpoint answers 200 before `deadline` (and within the request
  // timeout), over the validator's TLS settings. Otherwise a non-OK status naming the host.
  Status CheckReachable(Deadline deadline) const override;

 private:
  NotaryV1Validator(std::string name, std::vector<PinnedKey> roots,
                    std::unique_ptr<NotaryClient> client, std::chrono::milliseconds cache_ttl);

  StatusOr<std::shared_ptr<const TrustData>> Load(const std::string& gun,
                                                  const std::vector<PinnedKey>& pinned,
                                                  const std::vector<std::string>& delegations,
                                                  Deadline deadline) const;

  const std::string name_;
  const std::vector<PinnedKey> roots_;
  const std::unique_ptr<NotaryClient> client_;
  mutable KeyCache keys_;          // parsed TUF keys by key id, across verifications
  mutable KnownTrustStore known_;  // by GUN + trust root names
  mutable RollbackGuard rollback_;
  mutable TrustDataCache cache_;
};

}  // namespace connaisseur::notaryv1
