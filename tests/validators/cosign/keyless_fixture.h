// KeylessFixture: what keyless cosign signing needs, made by the tests with OpenSSL: a CA standing
// in for Fulcio (root and intermediate), a CT log key, a Rekor key, short-lived leaf
// certificates with Fulcio's subject alternative names, OIDC issuer extensions and an embedded
// SCT, and signature layers carrying certificate, chain and a Rekor bundle. Each option turns
// one property wrong, for the tampering cases.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/crypto/openssl_ptr.h"
#include "runtime/crypto/private_key.h"
#include "runtime/deadline.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"
#include "validators/cosign/layer_verifier.h"

namespace connaisseur::cosign::testing {

// 2023-11-14T22:13:20Z: when the fixture's certificates are issued.
inline constexpr int64_t kIssuedAt = 1700000000;

struct LeafOptions {
  std::vector<std::string> emails = {"alice@example.com"};
  std::vector<std::string> uris;
  std::string issuer_v1 = "https://accounts.example.com";  // raw extension; "" = none
  std::string issuer_v2 = "https://accounts.example.com";  // UTF8String extension; "" = none
  int64_t not_before = kIssuedAt;
  int64_t lifetime_seconds = 600;  // Fulcio's ten minutes
  bool code_signing = true;        // extendedKeyUsage codeSigning
  enum class Sct { kValid, kNone, kBadSignature, kOtherLog } sct = Sct::kValid;
  bool issued_by_stranger = false;  // by a CA that is not the fixture's Fulcio
};

struct Leaf {
  crypto::PrivateKey key;
  std::string pem;
};

struct LayerOptions {
  int64_t integrated_time = kIssuedAt + 60;
  bool include_chain = true;          // the intermediate in dev.sigstore.cosign/chain
  bool include_bundle = true;         // a dev.sigstore.cosign/bundle annotation
  bool set_by_stranger = false;       // signed entry timestamp by a key other than Rekor's
  std::string entry_certificate_pem;  // the certificate the Rekor entry names; "" = the leaf
  const crypto::PrivateKey* signature_key = nullptr;  // signs the payload; null = the leaf's
};

class KeylessFixture {
 public:
  static StatusOr<KeylessFixture> Create();

  // The host block a validator needs: fulcioCert (the root), ctLogPubkey, rekorPubkey.
  config::CosignHost Host() const;
  const std::string& RootPem() const { return root_pem_; }
  const std::string& IntermediatePem() const { return intermediate_pem_; }
  std::string RekorPublicPem() const { return rekor_.PublicPem(); }
  std::string CtLogPublicPem() const { return ct_log_.PublicPem(); }

  // A leaf for a new key, or for `key` (another certificate for the same key).
  StatusOr<Leaf> IssueLeaf(const LeafOptions& options) const;
  StatusOr<std::string> IssueLeafPem(const crypto::PrivateKey& key,
                                     const LeafOptions& options) const;

  // A simple-signing payload for `image_digest` signed for `leaf`, as `cosign sign` (keyless)
  // writes the layer: signature, certificate, chain and Rekor bundle annotations.
  StatusOr<SignedLayer> SignLayer(const std::string& image_digest, const Leaf& leaf,
                                  const LayerOptions& options) const;
  // Writes the `.sig` manifest of `digest` in `host`/`repo` as keyless `cosign sign` does: one
  // layer whose payload names `digest`, signed for `leaf` (SignLayer's annotations).
  Status PushSignature(registry::RegistryClient& client, const std::string& host,
                       const std::string& repo, const std::string& digest, const Leaf& leaf,
                       Deadline deadline) const;
  // The descriptor annotations of such a layer for `payload` (what the registry test pushes).
  StatusOr<std::map<std::string, std::string>> Annotations(const std::string& payload,
                                                           const Leaf& leaf,
                                                           const LayerOptions& options) const;

 private:
  KeylessFixture(crypto::PrivateKey root_key, crypto::X509Ptr root, crypto::PrivateKey inter_key,
                 crypto::X509Ptr inter, crypto::PrivateKey ct_log, crypto::PrivateKey rekor);

  crypto::PrivateKey root_key_;
  crypto::X509Ptr root_;
  crypto::PrivateKey intermediate_key_;
  crypto::X509Ptr intermediate_;
  crypto::PrivateKey ct_log_, rekor_;
  std::string root_pem_, intermediate_pem_;
};

}  // namespace connaisseur::cosign::testing
