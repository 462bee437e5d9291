// Fuzzes the key and certificate readers behind every trust root: PEM public keys (cosign
// trustRoots, Rekor keys, notary pins), DER SubjectPublicKeyInfo and certificates (notary's
// ecdsa-x509 root keys, served by the notary server), unencrypted private keys (`sign`), and the
// configuration's PEM shape checks. No crash, no sanitizer report, and: a parsed key reads back
// from its own DER to the same key; verifying any signature with any scheme fails or succeeds
// cleanly and leaves OpenSSL's error queue empty (a stale error must never leak into the next
// verification's message).
#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/config/pem_shape.h"
#include "runtime/crypto/private_key.h"
#include "runtime/crypto/public_key.h"

namespace {

using namespace connaisseur;

constexpr size_t kMaxInput = 16 * 1024;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckKey(const StatusOr<crypto::PublicKey>& key, std::string_view signature) {
  Check(ERR_peek_error() == 0);
  if (!key.ok()) return;
  auto again = crypto::PublicKey::FromSpkiDer(key->spki_der());
  Check(again.ok() && again->spki_der() == key->spki_der() && again->type() == key->type());
  for (auto scheme : {crypto::SignatureScheme::kEcdsaDer, crypto::SignatureScheme::kEcdsaRaw,
                      crypto::SignatureScheme::kRsaPkcs1Sha256,
                      crypto::SignatureScheme::kRsaPssSha256, crypto::SignatureScheme::kEd25519}) {
    (void)key->Verify("message", signature, scheme);  // only the error queue is checked here
    Check(ERR_peek_error() == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = in.substr(0, 128);
  CheckKey(crypto::PublicKey::FromPem(in), signature);
  CheckKey(crypto::PublicKey::FromSpkiDer(in), signature);
  CheckKey(crypto::PublicKey::FromCertificatePem(in), signature);
  auto private_key = crypto::PrivateKey::FromPem(in);
  Check(ERR_peek_error() == 0);
  if (private_key.ok()) CheckKey(private_key->Public(), signature);
  (void)config::CheckPublicKeyPem(in);  // must only return
  (void)config::CheckCertificatePem(in);
  return 0;
}
