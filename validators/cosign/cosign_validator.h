// CosignValidator: the `cosign` validator type (docs/security.md "(4) The registry"). Resolves the
// image to a manifest digest, reads its `sha256-<hex>.sig` signature manifest from the same
// repository, verifies every signature layer against each trust root of the rule and applies the
// threshold/required policy. When the .sig layout alone does not satisfy the rule, the sigstore
// bundles stored as OCI referrers of the image (referrers.h, bundle_verifier.h) are judged too; a
// root counts when a signature in either place verifies with its key. Trust roots are PEM keys or
// AWS KMS keys (`awskms://`, fetched with GetPublicKey, cached and refreshed in the background:
// kms_keys.h) or keyless identities (verified offline against host.fulcioCert, host.ctLogPubkey and
// host.rekorPubkey: keyless_verifier.h); the other KMS schemes deny with "not supported yet".
// Registry credentials: `auth` (inline, or a mounted secret), or with `auth.useKeychain` the image
// pull secrets of the Pod under review and of its service account
// (runtime/kubernetes/pull_secret_keychain.h); without a cluster context such images are pulled
// anonymously. Caching and single-flight live in validators/validator_set (one cache for every
// type), keyed by the digest PinDigest resolves.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/crypto/public_key.h"
#include "runtime/kubernetes/pull_secret_keychain.h"
#include "runtime/registry/credentials.h"
#include "runtime/registry/registry_client.h"
#include "validators/cosign/key_source.h"
#include "validators/cosign/keyless_verifier.h"
#include "validators/cosign/kms_keys.h"
#include "validators/cosign/trust_policy.h"
#include "validators/validator.h"

namespace connaisseur::cosign {

using validators::VerifiedImage;

class CosignValidator final : public validators::Validator {
 public:
  struct Options {
    // Speak http:// to registries (integration tests only). Default false.
    bool plain_http = false;
    // Where auth.secretName directories are mounted (docs/configuration.md: /app/secrets).
    std::string secrets_dir = "/app/secrets";
    // For auth.useKeychain: where pull secrets are read (shared; null: pull anonymously, as
    // off-cluster), or why they cannot be (`keychain_error`, denied at request time).
    std::shared_ptr<kubernetes::PullSecretKeychain> keychain;
    Status keychain_error;
    // Where KMS trust roots find their credentials and settings, and how often they refresh.
    KmsSettings kms;
  };

  // Parses every key, KMS reference and the Rekor key now, so a bad config fails at load time
  // (kInvalidArgument naming the root). KMS services are not contacted until a key is needed.
  static StatusOr<std::unique_ptr<CosignValidator>> Create(const config::ValidatorConfig& config,
                                                           Options options);
  static StatusOr<std::unique_ptr<CosignValidator>> Create(const config::ValidatorConfig& config) {
    return Create(config, Options{});
  }

  config::ValidatorType type() const override { return config::ValidatorType::kCosign; }

  // Messages (substrings kept from Connaisseur): `image <ref> does not exist`, `no signatures
  // found`, `validation threshold not reached (<n>/<t>)`, `missing required signatures from
  // [...]`, `signature not found in transparency log`, `error getting trust roots ...`.
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                 const config::RuleOptions& options,
                                 const verification::PullContext& pull,
                                 Deadline deadline) const override;
  StatusOr<VerifiedImage> Verify(const image::ImageReference& image,
                                 const config::RuleOptions& options,
                                 Deadline deadline) const override {
    return Verify(image, options, verification::PullContext{}, deadline);
  }

  // The manifest digest `image` names: a digest-only reference as written (no network), a tag
  // resolved at the registry (and checked against a digest pinned beside it).
  StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference& image,
                                                 const verification::PullContext& pull,
                                                 Deadline deadline) const override;
  StatusOr<std::optional<std::string>> PinDigest(const image::ImageReference& image,
                                                 Deadline deadline) const override {
    return PinDigest(image, verification::PullContext{}, deadline);
  }

  // With auth.useKeychain, what a verification proves depends on the Pod's pull secrets.
  bool UsesPullCredentials() const override { return use_keychain_; }

  // Whether every KMS trust root's key can be had (fetched, or fetched recently enough); the
  // error names the root and the KMS failure. OK without KMS roots.
  Status CheckReachable(Deadline deadline) const override;

 private:
  struct Root {
    std::string name;
    std::shared_ptr<const KeySource> key;            // null for keyless and unsupported roots
    std::shared_ptr<const KeylessVerifier> keyless;  // keyless roots that can be verified
    Status keyless_error;     // why a keyless root cannot be (no host.fulcioCert...): it denies
    std::string unsupported;  // "gcpkms:// KMS key"...; empty when usable
  };

  CosignValidator(std::string name, std::vector<Root> roots, crypto::PublicKey rekor_key,
                  registry::AuthSettings auth, registry::RegistryOptions registry_options,
                  bool use_keychain, Options options)
      : name_(std::move(name)),
        roots_(std::move(roots)),
        rekor_key_(std::move(rekor_key)),
        auth_(std::move(auth)),
        registry_options_(std::move(registry_options)),
        use_keychain_(use_keychain),
        keychain_(std::move(options.keychain)),
        keychain_error_(std::move(options.keychain_error)) {}

  // A root the rule consults with its key (null for a keyless root).
  using ConsultedRoot = std::pair<const Root*, std::shared_ptr<const crypto::PublicKey>>;
  // Every root the rule consults, before any registry request: a root that cannot verify (a
  // KMS key that cannot be had, a keyless root without host.fulcioCert, an unsupported scheme)
  // denies (fail closed), naming the root and the failure.
  StatusOr<std::vector<ConsultedRoot>> Consult(const TrustPolicy& policy, Deadline deadline) const;
  // The credentials for `image`: from auth_, or from the keychain for `pull`.
  StatusOr<std::optional<net::BasicCredentials>> CredentialsFor(
      const image::ImageReference& image, const verification::PullContext& pull,
      Deadline deadline) const;
  // The client holding the credentials for `image` (one per distinct credential set).
  StatusOr<std::shared_ptr<registry::RegistryClient>> ClientFor(
      const image::ImageReference& image, const verification::PullContext& pull,
      Deadline deadline) const;
  // The manifest digest `image` names; kNotFound "image <ref> does not exist".
  StatusOr<std::string> ResolveDigest(registry::RegistryClient& client,
                                      const image::ImageReference& image, Deadline deadline) const;

  const std::string name_;
  const std::vector<Root> roots_;
  const crypto::PublicKey rekor_key_;
  const registry::AuthSettings auth_;
  const registry::RegistryOptions registry_options_;  // without credentials
  const bool use_keychain_;
  const std::shared_ptr<kubernetes::PullSecretKeychain> keychain_;  // null: anonymous
  const Status keychain_error_;
  mutable std::mutex mu_;
  // By a hash of the credentials; bounded (kMaxClients), as pull secrets come and go.
  mutable std::map<std::string, std::shared_ptr<registry::RegistryClient>> clients_;
  static constexpr size_t kMaxClients = 64;
};

}  // namespace connaisseur::cosign
