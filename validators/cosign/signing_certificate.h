// SigningCertificate: the certificate a keyless signature carries, and the intermediates beside
// it, as found and before any check (keyless_verifier.h judges them). Three places carry one:
//   - a `.sig` or `.att` layer: annotation dev.sigstore.cosign/certificate (PEM leaf) and,
//     optionally, dev.sigstore.cosign/chain (PEM intermediates, often the root too);
//   - a sigstore bundle v0.3: verificationMaterial.certificate (DER leaf, no intermediates);
//   - a sigstore bundle v0.1/v0.2: verificationMaterial.x509CertificateChain (DER leaf first,
//     then its intermediates).
// Kept as DER bytes, so it copies freely and compares byte for byte with what a transparency-log
// entry names. Nothing in it is trusted: the intermediates are only candidates for the path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/crypto/public_key.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

struct SigningCertificate {
  std::string leaf_der;
  std::vector<std::string> chain_der;  // candidate intermediates, in the order carried

  // From the layer annotations: `leaf_pem` must be exactly one PEM certificate, `chain_pem`
  // empty or PEM certificates. kVerificationFailed "signing certificate ..." otherwise.
  static StatusOr<SigningCertificate> FromPem(std::string_view leaf_pem,
                                              std::string_view chain_pem);

  // The leaf parsed. kVerificationFailed "signing certificate is not DER" when it does not parse.
  StatusOr<crypto::X509Ptr> Leaf() const;
  // The intermediates parsed. kVerificationFailed naming the one that does not parse.
  StatusOr<std::vector<crypto::X509Ptr>> Intermediates() const;
  // The leaf's public key (the key that made the signature, if the certificate is to count).
  StatusOr<crypto::PublicKey> Key() const;
};

// The DER of `cert` ("" if it cannot be encoded).
std::string CertificateDer(const X509& cert);

}  // namespace connaisseur::cosign
