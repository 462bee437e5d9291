// KeylessFixture: what keyless cosign signing needs, made by the tests with OpenSSL: a CA standing
// in for Fulcio (root and intermediate), a CT log key, a Rekor key, short-lived leaf
// certificates with Fulcio's subject alternative names, OIDC issuer extensions and an embedded
// SCT, and signature layers carrying certificate, chain and a Rekor bundle; keyless sigstore
// bundles (DSSE or messageSignature, v0.3 `certificate` or v0.1/v0.2 `x509CertificateChain`,
// with a tlog entry and inclusion promise) and keyless `.att` layers. Each option turns one
// property wrong, for the tampering cases.
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
#include "validators/cosign/dsse_envelope.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/sigstore_bundle.h"

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
  // Attest only: the kind of the Rekor entry (`cosign attest` logs intoto 0.0.2).
  enum class AttEntry { kDsse, kIntotoV2, kIntotoV1 } att_entry = AttEntry::kDsse;
};

// A keyless sigstore bundle: `log` says how it is logged (integrated_time, include_bundle = a
// tlog entry at all, set_by_stranger, entry_certificate_pem, signature_key; include_chain is
// ignored), `chain_material` picks the verification material.
struct BundleOptions {
  LayerOptions log;
  // x509CertificateChain (v0.1/v0.2: leaf, then the intermediate) instead of v0.3's
  // `certificate` (the leaf alone: the verifier needs the intermediate in host.fulcioCert).
  bool chain_material = false;
};

// A keyless `.att` layer: the envelope (the blob) and the layer's annotations.
struct AttestationLayer {
  DsseEnvelope envelope;
  std::map<std::string, std::string> annotations;
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

  // Host() with the intermediate beside the root in fulcioCert, as sigstore's trusted root
  // holds it: what v0.3 bundles (leaf only) need to chain.
  config::CosignHost HostWithIntermediate() const;

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
  // A keyless bundle whose DSSE envelope (in-toto) holds `statement`, signed over its PAE for
  // `leaf`, with a `dsse` tlog entry.
  StatusOr<SigstoreBundle> DsseBundle(const std::string& statement, const Leaf& leaf,
                                      const BundleOptions& options) const;
  // A keyless messageSignature bundle over `message` (an image manifest's bytes), with a
  // `hashedrekord` tlog entry.
  StatusOr<SigstoreBundle> MessageBundle(const std::string& message, const Leaf& leaf,
                                         const BundleOptions& options) const;
  // A keyless `.att` layer for `statement` as `cosign attest` writes it: certificate, chain
  // (options.include_chain) and a Rekor bundle whose entry is of kind `dsse`.
  StatusOr<AttestationLayer> Attest(const std::string& statement, const Leaf& leaf,
                                    const LayerOptions& options) const;
  // Writes `layer` as the one layer of the `.att` manifest of `digest` in `host`/`repo`.
  Status PushAttestation(registry::RegistryClient& client, const std::string& host,
                         const std::string& repo, const std::string& digest,
                         const AttestationLayer& layer, Deadline deadline) const;

  // The descriptor annotations of such a layer for `payload` (what the registry test pushes).
  StatusOr<std::map<std::string, std::string>> Annotations(const std::string& payload,
                                                           const Leaf& leaf,
                                                           const LayerOptions& options) const;

 private:
  // The entry the fixture's Rekor makes for `body` (an entry body as JSON), as options say:
  // body, integrated time, log index and ID, and the signed entry timestamp.
  StatusOr<RekorBundle> LogEntry(const std::string& body_json, const LayerOptions& options) const;

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
