#include "validators/cosign/certificate_chain.h"

#include <openssl/pem.h>

#include <ctime>
#include <string>

#include "runtime/crypto/openssl_error.h"

namespace connaisseur::cosign {

namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The leaf's validity at `at`, checked before the chain so that a certificate used after its
// ten minutes is named as such rather than as an OpenSSL verify code.
Status CheckValidAt(X509& leaf, int64_t at) {
  time_t t = static_cast<time_t>(at);
  if (X509_cmp_time(X509_get0_notBefore(&leaf), &t) > 0 ||
      X509_cmp_time(X509_get0_notAfter(&leaf), &t) < 0) {
    return VerificationFailedError("certificate is not valid at integratedTime " +
                                   UnixTimeText(at));
  }
  return Status::Ok();
}

Status CheckCodeSigning(X509& leaf) {
  const uint32_t flags = X509_get_extension_flags(&leaf);  // also computes the cached fields
  if ((flags & EXFLAG_INVALID) != 0) {
    return VerificationFailedError("certificate has malformed extensions");
  }
  if ((flags & EXFLAG_XKUSAGE) == 0 || (X509_get_extended_key_usage(&leaf) & XKU_CODE_SIGN) == 0 ||
      X509_check_ca(&leaf) != 0) {
    return VerificationFailedError("certificate is not for code signing");
  }
  return Status::Ok();
}

}  // namespace

std::string UnixTimeText(int64_t seconds) {
  const time_t t = static_cast<time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(seconds);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

StatusOr<std::vector<crypto::X509Ptr>> ParseCertificates(std::string_view pem) {
  std::vector<crypto::X509Ptr> certs;
  while (!IsBlank(pem)) {
    const size_t begin = pem.find(kBegin);
    if (begin == std::string_view::npos || !IsBlank(pem.substr(0, begin))) {
      return InvalidArgumentError("not a PEM certificate list");
    }
    const size_t end = pem.find(kEnd, begin);
    if (end == std::string_view::npos) return InvalidArgumentError("unterminated PEM certificate");
    const std::string_view block = pem.substr(begin, end + kEnd.size() - begin);
    crypto::BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
    if (!bio) return InternalError(crypto::DrainOpenSslErrors("BIO allocation"));
    crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      return InvalidArgumentError(crypto::DrainOpenSslErrors("error parsing certificate"));
    }
    certs.push_back(std::move(cert));
    pem.remove_prefix(end + kEnd.size());
  }
  if (certs.empty()) return InvalidArgumentError("no PEM certificate");
  return certs;
}

StatusOr<CertificateChain> CertificateChain::Create(std::string_view trusted_pem) {
  CN_ASSIGN_OR_RETURN(std::vector<crypto::X509Ptr> certs, ParseCertificates(trusted_pem));
  crypto::X509StorePtr store(X509_STORE_new());
  if (!store) return InternalError(crypto::DrainOpenSslErrors("X509_STORE_new"));
  for (const auto& cert : certs) {
    if (X509_STORE_add_cert(store.get(), cert.get()) != 1) {  // takes its own reference
      return InternalError(crypto::DrainOpenSslErrors("X509_STORE_add_cert"));
    }
  }
  // Every configured certificate is an anchor, so `fulcioCert` may name an intermediate alone.
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_X509_STRICT);
  return CertificateChain(std::move(store));
}

StatusOr<crypto::X509Ptr> CertificateChain::Verify(X509& leaf,
                                                   const std::vector<crypto::X509Ptr>& untrusted,
                                                   int64_t at) const {
  CN_RETURN_IF_ERROR(CheckValidAt(leaf, at));
  crypto::X509StackPtr intermediates(sk_X509_new_null());
  if (!intermediates) return InternalError(crypto::DrainOpenSslErrors("sk_X509_new_null"));
  for (const auto& cert : untrusted) {
    if (X509_up_ref(cert.get()) != 1 || sk_X509_push(intermediates.get(), cert.get()) <= 0) {
      return InternalError(crypto::DrainOpenSslErrors("sk_X509_push"));
    }
  }
  crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), &leaf, intermediates.get()) != 1) {
    return InternalError(crypto::DrainOpenSslErrors("X509_STORE_CTX_init"));
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    crypto::DrainOpenSslErrors("");
    return VerificationFailedError("certificate does not chain to host.fulcioCert at " +
                                   UnixTimeText(at) + ": " + X509_verify_cert_error_string(error));
  }
  CN_RETURN_IF_ERROR(CheckCodeSigning(leaf));
  STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(ctx.get());  // owned by ctx
  if (path == nullptr || sk_X509_num(path) < 2) {
    return VerificationFailedError("certificate is itself a trusted certificate, not a leaf");
  }
  X509* issuer = sk_X509_value(path, 1);
  if (X509_up_ref(issuer) != 1) return InternalError("X509_up_ref");
  return crypto::X509Ptr(issuer);
}

}  // namespace connaisseur::cosign
