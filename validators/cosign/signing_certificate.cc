#include "validators/cosign/signing_certificate.h"

#include <openssl/x509.h>

#include "runtime/crypto/openssl_error.h"
#include "validators/cosign/certificate_chain.h"

namespace connaisseur::cosign {

namespace {

StatusOr<crypto::X509Ptr> ParseDer(std::string_view der, const std::string& what) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  crypto::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    crypto::DrainOpenSslErrors("");
    return VerificationFailedError(what + " is not a DER certificate");
  }
  return cert;
}

}  // namespace

std::string CertificateDer(const X509& cert) { return crypto::EncodeDer(i2d_X509, &cert); }

StatusOr<SigningCertificate> SigningCertificate::FromPem(std::string_view leaf_pem,
                                                         std::string_view chain_pem) {
  auto leaf = ParseCertificates(leaf_pem);
  if (!leaf.ok() || leaf->size() != 1) {
    return VerificationFailedError("signing certificate is not one PEM certificate");
  }
  SigningCertificate out;
  out.leaf_der = CertificateDer(*leaf->front());
  if (chain_pem.empty()) return out;
  auto chain = ParseCertificates(chain_pem);
  if (!chain.ok()) {
    return VerificationFailedError("certificate chain annotation: " + chain.status().message());
  }
  for (const auto& cert : *chain) out.chain_der.push_back(CertificateDer(*cert));
  return out;
}

StatusOr<crypto::X509Ptr> SigningCertificate::Leaf() const {
  return ParseDer(leaf_der, "signing certificate");
}

StatusOr<std::vector<crypto::X509Ptr>> SigningCertificate::Intermediates() const {
  std::vector<crypto::X509Ptr> out;
  for (size_t i = 0; i < chain_der.size(); ++i) {
    CN_ASSIGN_OR_RETURN(crypto::X509Ptr cert,
                        ParseDer(chain_der[i], "certificate chain entry " + std::to_string(i)));
    out.push_back(std::move(cert));
  }
  return out;
}

StatusOr<crypto::PublicKey> SigningCertificate::Key() const {
  CN_ASSIGN_OR_RETURN(crypto::X509Ptr leaf, Leaf());
  const std::string spki = crypto::EncodeDer(i2d_X509_PUBKEY, X509_get_X509_PUBKEY(leaf.get()));
  auto key = crypto::PublicKey::FromSpkiDer(spki);
  if (!key.ok()) return key.status().WithPrefix("signing certificate");
  return key;
}

}  // namespace connaisseur::cosign
