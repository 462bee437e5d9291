#include "validators/cosign/layer_verifier.h"

#include "runtime/crypto/encoding.h"
#include "validators/cosign/rekor_bundle.h"
#include "validators/cosign/simple_signing.h"

namespace connaisseur::cosign {

namespace {

// Ranks failures so a root's reason names the most telling one: a signature that verified but
// failed a later check says more than "another key signed this layer".
int Rank(const std::string& reason) {
  if (reason.find("transparency log") != std::string::npos) return 3;
  if (reason.find("payload") != std::string::npos) return 2;
  return 1;
}

}  // namespace

Status VerifyCosignSignature(const crypto::PublicKey& key, std::string_view payload,
                             std::string_view signature) {
  using crypto::KeyType;
  using crypto::SignatureScheme;
  switch (key.type()) {
    case KeyType::kEcdsaP256:
    case KeyType::kEcdsaP384:
      return key.Verify(payload, signature, SignatureScheme::kEcdsaDer);
    case KeyType::kEd25519:
      return key.Verify(payload, signature, SignatureScheme::kEd25519);
    case KeyType::kRsa:
      if (key.Verify(payload, signature, SignatureScheme::kRsaPkcs1Sha256).ok()) {
        return Status::Ok();
      }
      return key.Verify(payload, signature, SignatureScheme::kRsaPssSha256);
  }
  return InternalError("unknown key type");
}

Status VerifyLayer(const SignedLayer& layer, const crypto::PublicKey& key,
                   std::string_view image_digest, const TlogPolicy& tlog) {
  auto it = layer.descriptor.annotations.find(std::string(kSignatureAnnotation));
  if (it == layer.descriptor.annotations.end()) {
    return VerificationFailedError("layer " + layer.descriptor.digest + " has no signature");
  }
  auto signature = crypto::Base64Decode(it->second);
  if (!signature.ok()) {
    return VerificationFailedError("layer " + layer.descriptor.digest +
                                   ": signature annotation is not base64");
  }
  if (!VerifyCosignSignature(key, layer.payload, *signature).ok()) {
    return VerificationFailedError("signature does not verify with the trust root's key");
  }
  auto payload = SimpleSigning::Parse(layer.payload);
  if (!payload.ok()) {
    return VerificationFailedError("signed payload is malformed: " + payload.status().message());
  }
  if (payload->type != kSimpleSigningType) {
    return VerificationFailedError("signed payload has type \"" + payload->type + "\", not \"" +
                                   std::string(kSimpleSigningType) + "\"");
  }
  if (payload->manifest_digest != image_digest) {
    return VerificationFailedError("signed payload names digest " + payload->manifest_digest +
                                   ", not the image's " + std::string(image_digest));
  }
  if (tlog.required) {
    auto bundle = layer.descriptor.annotations.find(std::string(kBundleAnnotation));
    if (bundle == layer.descriptor.annotations.end()) {
      return VerificationFailedError("signature not found in transparency log (no bundle)");
    }
    if (tlog.rekor_key == nullptr) {
      return VerificationFailedError("signature not found in transparency log (no Rekor key)");
    }
    Status s = VerifyRekorBundle(bundle->second, *tlog.rekor_key, *signature, layer.payload, key);
    if (!s.ok()) {
      return VerificationFailedError("signature not found in transparency log: " + s.message());
    }
  }
  return Status::Ok();
}

RootOutcome CheckRoot(std::string_view root_name, const crypto::PublicKey& key,
                      const std::vector<SignedLayer>& layers, std::string_view image_digest,
                      const TlogPolicy& tlog) {
  RootOutcome outcome;
  outcome.root = std::string(root_name);
  for (const auto& layer : layers) {
    if (layer.descriptor.media_type != kSimpleSigningMediaType) continue;
    Status s = VerifyLayer(layer, key, image_digest, tlog);
    if (s.ok()) {
      outcome.valid = true;
      outcome.reason.clear();
      return outcome;
    }
    if (outcome.reason.empty() || Rank(s.message()) > Rank(outcome.reason)) {
      outcome.reason = s.message();
    }
  }
  if (outcome.reason.empty()) outcome.reason = "no signatures found";
  return outcome;
}

std::string_view PublicGoodRekorKeyPem() {
  // sigstore's public Rekor log key (its SHA-256 is the logID c0d23d6a…801d); public data.
  return "-----BEGIN PUBLIC KEY-----\n"
         "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwr\n"
         "kBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==\n"
         "-----END PUBLIC KEY-----\n";
}

}  // namespace connaisseur::cosign
