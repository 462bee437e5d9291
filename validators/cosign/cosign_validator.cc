#include "validators/cosign/cosign_validator.h"

#include "runtime/config/kms_reference.h"
#include "runtime/crypto/digest.h"
#include "validators/cosign/attestations.h"
#include "validators/cosign/bundle_verifier.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/referrers.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/simple_signing.h"
#include "validators/cosign/trust_policy.h"

namespace connaisseur::cosign {

namespace {

// The simple-signing layers of the image's `sig_tag` manifest; none when the tag is absent.
StatusOr<std::vector<SignedLayer>> SignatureLayers(registry::RegistryClient& client,
                                                   const image::ImageReference& image,
                                                   const std::string& sig_tag, Deadline deadline) {
  std::vector<SignedLayer> layers;
  auto sig_manifest = client.GetManifest(image.registry(), image.repository(), sig_tag, deadline);
  if (!sig_manifest.ok()) {
    if (sig_manifest.status().code() == StatusCode::kNotFound) return layers;
    return sig_manifest.status();
  }
  auto manifest = SignatureManifest::Parse(sig_manifest->body);
  if (!manifest.ok()) return manifest.status().WithPrefix(sig_tag);
  for (const auto& d : manifest->layers) {
    if (d.media_type != kSimpleSigningMediaType) continue;
    auto payload = client.GetBlob(image.registry(), image.repository(), d.digest, d.size, deadline);
    if (!payload.ok()) return payload.status().WithPrefix("signature layer");
    layers.push_back({d, std::move(payload).value()});
  }
  return layers;
}

// How one consulted root judges sigstore bundles: with its key (and the rule's tlog policy), or
// as a keyless root (and the rule's keyless options).
struct BundleJudge {
  std::string root;
  const crypto::PublicKey* key = nullptr;    // borrowed; null for a keyless root
  const KeylessVerifier* keyless = nullptr;  // borrowed; null for a key root
  TlogPolicy tlog;
  KeylessChecks keyless_checks;

  RootOutcome Check(const std::vector<FetchedBundle>& bundles, const BundleSubject& subject) const {
    if (keyless != nullptr)
      return keyless->CheckRootBundles(root, bundles, subject, keyless_checks);
    if (key == nullptr) return RootOutcome{root, false, "trust root has no key"};
    return CheckRootBundles(root, *key, bundles, subject, tlog);
  }
};

// Judges the sigstore bundles stored as referrers of the image for every root whose outcome
// (`outcomes[i]`, judged by `judges[i]`) the .sig layout did not make valid: a bundle that
// verifies makes the root valid, else its reason joins the root's.
// `had_layers`: the .sig tag held signatures; without them and without bundles, kNotFound names
// both places looked at. `*search` keeps what was found (attestations reuse it).
Status AddBundleOutcomes(registry::RegistryClient& client, const image::ImageReference& image,
                         const std::string& digest, const std::string& sig_tag, bool had_layers,
                         const std::vector<BundleJudge>& judges, std::vector<RootOutcome>& outcomes,
                         std::optional<BundleSearch>* found, Deadline deadline) {
  CN_ASSIGN_OR_RETURN(
      *found, FindSignatureBundles(client, image.registry(), image.repository(), digest, deadline));
  const BundleSearch& search = **found;
  if (!had_layers && search.bundles.empty()) {
    return NotFoundError("no signatures found for " + image.name() + "@" + digest + " (no " +
                         sig_tag + " signature manifest, no sigstore bundle in " +
                         search.looked_at + ")");
  }
  if (search.bundles.empty()) return Status::Ok();
  const BundleSubject subject{digest, search.image_manifest ? &*search.image_manifest : nullptr};
  for (size_t i = 0; i < judges.size(); ++i) {
    if (outcomes[i].valid) continue;
    RootOutcome by_bundle = judges[i].Check(search.bundles, subject);
    if (by_bundle.valid || !had_layers) {
      outcomes[i] = std::move(by_bundle);
    } else {
      outcomes[i].reason += "; " + by_bundle.reason;
    }
  }
  return Status::Ok();
}

// With `with.attestations`: reads the image's `.att` layers and the attestation bundles among its
// referrers (`bundles`, when the signature path already listed them) and judges them under the
// consulted roots. A registry that fails while they are read fails the verification.
Status AddAttestations(registry::RegistryClient& client, const image::ImageReference& image,
                       const std::string& digest, std::optional<BundleSearch> bundles,
                       const std::vector<AttestationRoot>& roots, const TlogPolicy& tlog,
                       VerifiedImage& verified, Deadline deadline) {
  std::string overflow;
  CN_ASSIGN_OR_RETURN(std::vector<FoundEnvelope> found,
                      FindAttestationLayers(client, image.registry(), image.repository(), digest,
                                            deadline, &overflow));
  if (!bundles) {
    CN_ASSIGN_OR_RETURN(bundles, FindSignatureBundles(client, image.registry(), image.repository(),
                                                      digest, deadline));
  }
  for (FoundEnvelope& f : EnvelopesOfBundles(bundles->bundles)) found.push_back(std::move(f));
  AttestationOutcome outcome = JudgeAttestations(found, roots, digest, tlog);
  if (!overflow.empty()) outcome.errors.push_back(overflow);
  verified.attestations = std::move(outcome.attestations);
  verified.attestation_errors = std::move(outcome.errors);
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<CosignValidator>> CosignValidator::Create(
    const config::ValidatorConfig& config, Options options) {
  const std::string where = "validator \"" + config.name + "\"";  // as the factory names it
  if (config.trust_roots.empty()) return InvalidArgumentError(where + ": no trust roots");
  std::vector<Root> roots;
  for (const auto& tr : config.trust_roots) {
    Root root;
    root.name = tr.name;
    if (tr.keyless) {
      auto keyless = KeylessVerifier::Create(*tr.keyless, config.cosign_host);
      if (keyless.ok()) {
        root.keyless = std::move(keyless).value();
      } else if (keyless.status().message().starts_with("keyless.")) {  // a regex: a typo
        return keyless.status().WithPrefix(where + ": trust root " + tr.name);
      } else {
        root.keyless_error = keyless.status();
      }
    } else if (config::IsVerifiedKmsReference(tr.key)) {
      auto source = KmsKeySource(tr.key, options.kms);
      if (!source.ok()) return source.status().WithPrefix(where + ": trust root " + tr.name);
      root.key = std::move(source).value();
    } else if (config::IsKmsReference(tr.key)) {
      root.unsupported = std::string(config::KmsScheme(tr.key)) + " KMS key";
    } else {
      auto key = crypto::PublicKey::FromPem(tr.key);
      if (!key.ok()) return key.status().WithPrefix(where + ": trust root " + tr.name);
      root.key = std::make_shared<StaticKeySource>(std::move(key).value());
    }
    roots.push_back(std::move(root));
  }
  const std::string rekor_pem = config.cosign_host.rekor_pubkey.empty()
                                    ? std::string(PublicGoodRekorKeyPem())
                                    : config.cosign_host.rekor_pubkey;
  auto rekor = crypto::PublicKey::FromPem(rekor_pem);
  if (!rekor.ok()) return rekor.status().WithPrefix(where + ": host.rekorPubkey");
  registry::AuthSettings auth;
  auth.username = config.auth.username;
  auth.password = config.auth.password;
  auth.secret_name = config.auth.secret_name;
  auth.registry = config.auth.registry;
  auth.secrets_dir = options.secrets_dir;
  registry::RegistryOptions registry_options;
  registry_options.ca_pem = config.cert;
  registry_options.plain_http = options.plain_http;
  return std::unique_ptr<CosignValidator>(new CosignValidator(
      config.name, std::move(roots), std::move(rekor).value(), std::move(auth),
      std::move(registry_options), config.auth.use_keychain, std::move(options)));
}

StatusOr<std::optional<net::BasicCredentials>> CosignValidator::CredentialsFor(
    const image::ImageReference& image, const verification::PullContext& pull,
    Deadline deadline) const {
  if (!use_keychain_) {
    return registry::ResolveCredentials(auth_, image.registry(), image.repository());
  }
  if (pull.empty() || (keychain_ == nullptr && keychain_error_.ok())) {
    return std::optional<net::BasicCredentials>();  // off-cluster: anonymous
  }
  if (!keychain_error_.ok()) return keychain_error_.WithPrefix("auth.useKeychain");
  auto creds = keychain_->Resolve(pull, image.registry(), image.repository(), deadline);
  if (!creds.ok()) return creds.status().WithPrefix("reading image pull secrets");
  return creds;
}

StatusOr<std::shared_ptr<registry::RegistryClient>> CosignValidator::ClientFor(
    const image::ImageReference& image, const verification::PullContext& pull,
    Deadline deadline) const {
  CN_ASSIGN_OR_RETURN(auto creds, CredentialsFor(image, pull, deadline));
  // Keyed by a hash so the map never holds a password in clear beside the client.
  const std::string key =
      creds ? crypto::Sha256Hex(creds->username + '\0' + creds->password) : std::string();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(key);
  if (it != clients_.end()) return it->second;
  registry::RegistryOptions options = registry_options_;
  options.credentials = std::move(creds);
  CN_ASSIGN_OR_RETURN(auto client, registry::RegistryClient::Create(std::move(options)));
  if (clients_.size() >= kMaxClients) clients_.clear();  // callers keep theirs alive
  return clients_.emplace(key, std::move(client)).first->second;
}

StatusOr<std::string> CosignValidator::ResolveDigest(registry::RegistryClient& client,
                                                     const image::ImageReference& image,
                                                     Deadline deadline) const {
  const std::string reference = image.tag() ? *image.tag() : *image.digest();
  auto manifest = client.GetManifest(image.registry(), image.repository(), reference, deadline);
  if (!manifest.ok()) {
    if (manifest.status().code() == StatusCode::kNotFound) {
      return NotFoundError("image " + image.raw() + " does not exist");
    }
    return manifest.status();
  }
  if (image.digest() && *image.digest() != manifest->digest) {
    return VerificationFailedError("tag " + *image.tag() + " resolves to " + manifest->digest +
                                   ", not the pinned " + *image.digest());
  }
  return manifest->digest;
}

StatusOr<std::optional<std::string>> CosignValidator::PinDigest(
    const image::ImageReference& image, const verification::PullContext& pull,
    Deadline deadline) const {
  if (image.digest() && !image.tag()) return std::optional<std::string>(*image.digest());
  CN_ASSIGN_OR_RETURN(std::shared_ptr<registry::RegistryClient> client,
                      ClientFor(image, pull, deadline));
  CN_ASSIGN_OR_RETURN(std::string digest, ResolveDigest(*client, image, deadline));
  return std::optional<std::string>(std::move(digest));
}

Status CosignValidator::CheckReachable(Deadline deadline) const {
  for (const Root& r : roots_) {
    if (!r.key || !r.key->remote()) continue;
    Status reachable = r.key->CheckReachable(deadline);
    if (!reachable.ok()) return reachable.WithPrefix("trust root " + r.name);
  }
  return Status();
}

StatusOr<std::vector<CosignValidator::ConsultedRoot>> CosignValidator::Consult(
    const TrustPolicy& policy, Deadline deadline) const {
  std::vector<ConsultedRoot> consulted;
  for (const auto& name : policy.roots()) {
    for (const auto& r : roots_) {
      if (r.name != name) continue;
      if (!r.unsupported.empty()) {
        return InvalidArgumentError("trust root " + r.name + ": " + r.unsupported +
                                    " verification is not supported yet");
      }
      if (!r.keyless_error.ok()) return r.keyless_error.WithPrefix("trust root " + r.name);
      if (r.keyless) {
        consulted.emplace_back(&r, nullptr);
        continue;
      }
      auto key = r.key->Key(deadline);
      if (!key.ok()) return key.status().WithPrefix("trust root " + r.name);
      consulted.emplace_back(&r, std::move(key).value());
    }
  }
  return consulted;
}

StatusOr<VerifiedImage> CosignValidator::Verify(const image::ImageReference& image,
                                                const config::RuleOptions& options,
                                                const verification::PullContext& pull,
                                                Deadline deadline) const {
  std::vector<std::string> names;
  for (const auto& r : roots_) names.push_back(r.name);
  CN_ASSIGN_OR_RETURN(TrustPolicy policy, TrustPolicy::Create(name_, names, options));
  CN_ASSIGN_OR_RETURN(std::vector<ConsultedRoot> consulted, Consult(policy, deadline));

  CN_ASSIGN_OR_RETURN(std::shared_ptr<registry::RegistryClient> client,
                      ClientFor(image, pull, deadline));
  CN_ASSIGN_OR_RETURN(std::string digest, ResolveDigest(*client, image, deadline));
  CN_ASSIGN_OR_RETURN(std::string sig_tag, SignatureTag(digest));
  CN_ASSIGN_OR_RETURN(std::vector<SignedLayer> layers,
                      SignatureLayers(*client, image, sig_tag, deadline));

  const TlogPolicy tlog{options.verify_in_transparency_log, &rekor_key_};
  std::vector<RootOutcome> outcomes;
  const KeylessChecks keyless{options.verify_sct, options.verify_in_transparency_log, &rekor_key_};
  for (const auto& [r, key] : consulted) {
    outcomes.push_back(r->keyless ? r->keyless->CheckRoot(r->name, layers, digest, keyless)
                                  : CheckRoot(r->name, *key, layers, digest, tlog));
  }
  // Sigstore bundles (OCI referrers) are read only when the .sig layout does not satisfy the
  // rule, so images signed the classic way cost no further requests.
  std::optional<BundleSearch> bundles;
  if (layers.empty() || !policy.Decide(outcomes).ok()) {
    std::vector<BundleJudge> judges;
    for (const auto& [r, key] : consulted) {
      judges.push_back({r->name, key.get(), r->keyless.get(), tlog, keyless});
    }
    CN_RETURN_IF_ERROR(AddBundleOutcomes(*client, image, digest, sig_tag, !layers.empty(), judges,
                                         outcomes, &bundles, deadline));
  }
  CN_RETURN_IF_ERROR(policy.Decide(outcomes));
  size_t valid = 0;
  for (const auto& o : outcomes) valid += o.valid ? 1 : 0;
  VerifiedImage verified;
  verified.digest = digest;
  verified.detail = std::to_string(valid) + "/" + std::to_string(policy.roots().size()) +
                    " trust roots, threshold " + std::to_string(policy.threshold());
  // valid_until stays empty: nothing cosign signs expires. A key signature has no date; a keyless
  // certificate's notAfter (10 minutes) bounds when it could sign, and the Rekor entry proves it
  // signed within that window, so the signature stays valid after it (as cosign decides).
  if (options.attestations) {
    std::vector<AttestationRoot> roots;
    for (const auto& [r, key] : consulted) {
      roots.push_back({r->name, key.get(), r->keyless.get(), keyless});
    }
    CN_RETURN_IF_ERROR(AddAttestations(*client, image, digest, std::move(bundles), roots, tlog,
                                       verified, deadline));
  }
  return verified;
}

}  // namespace connaisseur::cosign
