#include "validators/cosign/keyless_identity.h"

#include <openssl/x509v3.h>
#include <re2/re2.h>

#include <optional>
#include <utility>

#include "runtime/crypto/openssl_error.h"
#include "runtime/crypto/openssl_ptr.h"

namespace connaisseur::cosign {

namespace {

Status Fail(std::string what) { return VerificationFailedError(std::move(what)); }

std::string AsText(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// The contents of the extension with `oid`, or nullopt when absent; kVerificationFailed when
// it is there twice.
StatusOr<std::optional<std::string>> ExtensionBytes(const X509& cert, const char* oid) {
  crypto::Asn1ObjectPtr object(OBJ_txt2obj(oid, /*no_name=*/1));
  if (!object) return InternalError(crypto::DrainOpenSslErrors("OBJ_txt2obj"));
  const int index = X509_get_ext_by_OBJ(&cert, object.get(), -1);
  if (index < 0) return std::optional<std::string>();
  if (X509_get_ext_by_OBJ(&cert, object.get(), index) >= 0) {
    return Fail(std::string("certificate has extension ") + oid + " twice");
  }
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(&cert, index));
  return std::optional<std::string>(AsText(data));
}

StatusOr<std::string> ReadIssuer(const X509& cert) {
  CN_ASSIGN_OR_RETURN(std::optional<std::string> v1, ExtensionBytes(cert, kFulcioIssuerV1Oid));
  CN_ASSIGN_OR_RETURN(std::optional<std::string> v2, ExtensionBytes(cert, kFulcioIssuerV2Oid));
  if (!v2) {
    if (!v1) return Fail("certificate has no OIDC issuer extension");
    return *v1;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(v2->data());
  crypto::Asn1StringPtr utf8(d2i_ASN1_UTF8STRING(nullptr, &p, static_cast<long>(v2->size())));
  if (!utf8 || p != reinterpret_cast<const unsigned char*>(v2->data() + v2->size())) {
    crypto::DrainOpenSslErrors("");
    return Fail("certificate's OIDC issuer extension is not a DER UTF8String");
  }
  std::string issuer = AsText(utf8.get());
  if (v1 && *v1 != issuer) return Fail("certificate's two OIDC issuer extensions disagree");
  return issuer;
}

}  // namespace

StatusOr<CertificateIdentity> ReadCertificateIdentity(const X509& cert) {
  CertificateIdentity identity;
  int critical = 0;
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(&cert, NID_subject_alt_name, &critical, nullptr)));
  crypto::DrainOpenSslErrors("");
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_EMAIL || name->type == GEN_URI) {
      identity.subjects.push_back(AsText(name->d.ia5));
    }
  }
  if (identity.subjects.empty()) return Fail("certificate has no email or URI subject");
  CN_ASSIGN_OR_RETURN(identity.issuer, ReadIssuer(cert));
  return identity;
}

StatusOr<IdentityMatcher> IdentityMatcher::Create(const config::Keyless& expected) {
  auto compile = [](const std::string& pattern,
                    const char* key) -> StatusOr<std::shared_ptr<const re2::RE2>> {
    if (pattern.empty()) return std::shared_ptr<const re2::RE2>();
    RE2::Options options;
    options.set_log_errors(false);
    auto regex = std::make_shared<const re2::RE2>(pattern, options);
    if (!regex->ok()) {
      return InvalidArgumentError(std::string("keyless.") + key +
                                  " is not a valid regular expression");
    }
    return regex;
  };
  CN_ASSIGN_OR_RETURN(auto issuer, compile(expected.issuer_regex, "issuerRegex"));
  CN_ASSIGN_OR_RETURN(auto subject, compile(expected.subject_regex, "subjectRegex"));
  if (!issuer && expected.issuer.empty()) {
    return InvalidArgumentError("keyless trust root names no issuer or issuerRegex");
  }
  if (!subject && expected.subject.empty()) {
    return InvalidArgumentError("keyless trust root names no subject or subjectRegex");
  }
  return IdentityMatcher(expected, std::move(issuer), std::move(subject));
}

bool IdentityMatcher::Matches(const std::string& value, const std::string& exact,
                              const std::shared_ptr<const re2::RE2>& regex) const {
  return regex ? re2::RE2::FullMatch(value, *regex) : value == exact;
}

Status IdentityMatcher::Match(const CertificateIdentity& identity) const {
  if (!Matches(identity.issuer, expected_.issuer, issuer_regex_)) {
    return Fail("none of the expected identities matched: the certificate's issuer \"" +
                identity.issuer + "\" is not the trust root's");
  }
  for (const std::string& subject : identity.subjects) {
    if (Matches(subject, expected_.subject, subject_regex_)) return Status::Ok();
  }
  std::string subjects;
  for (const std::string& s : identity.subjects)
    subjects += (subjects.empty() ? "\"" : ", \"") + s + "\"";
  return Fail("none of the expected identities matched: the certificate's subject " + subjects +
              " is not the trust root's");
}

}  // namespace connaisseur::cosign
