// Layer verification (docs/security.md "(4) The registry"): does one signature layer,
// whose payload bytes were already fetched and matched against the layer's digest and size,
// prove `image_digest` under a trust root's key? No network: the validator fetches, this judges.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/trust_policy.h"

namespace connaisseur::cosign {

struct SignedLayer {
  Descriptor descriptor;
  std::string payload;  // the blob; its sha256 and size equal the descriptor's
};

// Transparency-log requirement for a verification.
struct TlogPolicy {
  bool required = true;                          // rule option verifyInTransparencyLog
  const crypto::PublicKey* rekor_key = nullptr;  // borrowed; must be set when required
};

// OK iff `signature` verifies over `message` with `key` in a scheme cosign signs with for its
// type: ECDSA DER with the key's hash; RSA PKCS#1 v1.5 or PSS with SHA-256; Ed25519 pure.
Status VerifyCosignSignature(const crypto::PublicKey& key, std::string_view message,
                             std::string_view signature);

// OK iff the layer's signature annotation verifies over the payload with `key` (ECDSA DER with
// the key's hash; RSA PKCS#1 v1.5 or PSS with SHA-256; Ed25519 pure), the payload's type is the
// cosign type and its docker-manifest-digest equals `image_digest`, and, when the tlog is
// required, the layer's Rekor bundle verifies (else `signature not found in transparency log`).
// kVerificationFailed otherwise, with the reason.
Status VerifyLayer(const SignedLayer& layer, const crypto::PublicKey& key,
                   std::string_view image_digest, const TlogPolicy& tlog);

// Runs VerifyLayer on every layer of media type simple-signing; the root is valid when one
// verifies. The reason of an invalid root names the most telling failure.
RootOutcome CheckRoot(std::string_view root_name, const crypto::PublicKey& key,
                      const std::vector<SignedLayer>& layers, std::string_view image_digest,
                      const TlogPolicy& tlog);

// The public-good Rekor instance's key (rekor.sigstore.dev), used when `host.rekorPubkey` is
// not configured.
std::string_view PublicGoodRekorKeyPem();

}  // namespace connaisseur::cosign
