// CertificateChain: does a signing certificate chain up to the configured Fulcio certificates
// (`host.fulcioCert`) at a given time? Keyless cosign signatures carry a short-lived leaf
// (annotation dev.sigstore.cosign/certificate, valid ~10 minutes) and, optionally, the
// intermediates that issued it (dev.sigstore.cosign/chain); only `host.fulcioCert` is trusted.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/status.h"

namespace connaisseur::cosign {

// Every PEM "CERTIFICATE" block of `pem`, in order. kInvalidArgument when there is none, when a
// block does not parse, or when anything but certificates and whitespace is in the text.
StatusOr<std::vector<crypto::X509Ptr>> ParseCertificates(std::string_view pem);

class CertificateChain {
 public:
  // `trusted_pem` is `host.fulcioCert`: one or more certificates (a root, or a root and its
  // intermediates), each of them a trust anchor. kInvalidArgument when it holds none or one
  // does not parse.
  static StatusOr<CertificateChain> Create(std::string_view trusted_pem);

  // Verifies that `leaf` chains to a trusted certificate, using `untrusted` (the signature's
  // chain annotation) only as candidate intermediates, with every certificate of the path valid
  // at `at` (Unix seconds; the Rekor bundle's integratedTime, never "now") and the leaf allowed
  // to sign code (extended key usage codeSigning, not a CA). Returns the leaf's issuer from the
  // verified path (what its SCT binds). kVerificationFailed naming the failing check:
  // "certificate is not valid at integratedTime ...", "certificate does not chain to
  // host.fulcioCert: ...", "certificate is not for code signing". Thread-safe.
  StatusOr<crypto::X509Ptr> Verify(X509& leaf, const std::vector<crypto::X509Ptr>& untrusted,
                                   int64_t at) const;

 private:
  explicit CertificateChain(crypto::X509StorePtr store) : store_(std::move(store)) {}

  crypto::X509StorePtr store_;  // the trusted certificates; read-only after Create
};

// "2022-12-12T18:48:19Z" for Unix seconds (what messages print).
std::string UnixTimeText(int64_t seconds);

}  // namespace connaisseur::cosign
