// Cosign's password-protected private key file ("cosign.key"): a PEM block labelled
// `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign >= 2.0) or `ENCRYPTED COSIGN PRIVATE KEY` (older),
// whose body is the JSON box of go-securesystemslib's `encrypted` package:
//   {"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},"salt":b64(32)},
//    "cipher":{"name":"nacl/secretbox","nonce":b64(24)},"ciphertext":b64(tag || box)}
// The box holds the DER PKCS#8 private key. Keys are secrets: nothing here logs them.
#pragma once

#include <string>
#include <string_view>

#include "runtime/crypto/private_key.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

inline constexpr std::string_view kSigstoreKeyLabel = "ENCRYPTED SIGSTORE PRIVATE KEY";
inline constexpr std::string_view kCosignKeyLabel = "ENCRYPTED COSIGN PRIVATE KEY";

// True when `pem` starts (after whitespace) with a BEGIN line of either encrypted label.
bool IsEncryptedCosignKey(std::string_view pem);

// Decrypts a cosign key file. A wrong passphrase or a tampered box is kPermissionDenied
// ("decrypt: wrong passphrase or corrupted key"); scrypt parameters other than the three sets
// securesystemslib writes (N = 2^15, 2^16, 2^17 with r = 8, p = 1) are kInvalidArgument, which
// also bounds the memory a hostile key file can make us spend.
StatusOr<crypto::PrivateKey> DecryptCosignKey(std::string_view pem, std::string_view passphrase);

// Writes `key` the way `cosign generate-key-pair` does (scrypt N = 65536, r = 8, p = 1, fresh
// random salt and nonce), under `label` (one of the two above).
StatusOr<std::string> EncryptCosignKey(const crypto::PrivateKey& key, std::string_view passphrase,
                                       std::string_view label = kSigstoreKeyLabel);

// The JSON box alone (what the PEM body decodes to), for tests against published vectors.
StatusOr<std::string> OpenBox(std::string_view box_json, std::string_view passphrase);
StatusOr<std::string> SealBox(std::string_view plaintext, std::string_view passphrase);

// A signing key from a file's text: an encrypted cosign key (with `passphrase`) or an
// unencrypted PEM ("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY").
StatusOr<crypto::PrivateKey> LoadSigningKey(std::string_view pem, std::string_view passphrase);

}  // namespace connaisseur::cosign
