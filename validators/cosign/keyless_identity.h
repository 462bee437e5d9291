// Keyless identities: who a Fulcio certificate was issued to (its subject alternative names) and
// which OIDC provider vouched for them (Fulcio's issuer extension), matched against a keyless
// trust root's `issuer`/`issuerRegex` and `subject`/`subjectRegex`.
#pragma once

#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/status.h"

namespace re2 {
class RE2;
}

namespace connaisseur::cosign {

// Fulcio's OIDC issuer extensions: the legacy one holds the issuer's bytes raw, the current one
// a DER UTF8String.
inline constexpr char kFulcioIssuerV1Oid[] = "1.3.6.1.4.1.57264.1.1";
inline constexpr char kFulcioIssuerV2Oid[] = "1.3.6.1.4.1.57264.1.8";

struct CertificateIdentity {
  std::vector<std::string> subjects;  // every email and URI subject alternative name
  std::string issuer;                 // from 1.3.6.1.4.1.57264.1.8, else 1.3.6.1.4.1.57264.1.1
};

// Reads the identity of a (verified) certificate. kVerificationFailed when it has no email or
// URI SAN, no issuer extension, a malformed one, or two issuer extensions that disagree.
StatusOr<CertificateIdentity> ReadCertificateIdentity(const X509& cert);

class IdentityMatcher {
 public:
  // Compiles the root's regexes (RE2 syntax, as Go's regexp that cosign uses). A regex must
  // match the whole value (it is anchored at both ends; cosign searches, so `.*@example\.com`
  // works in both). kInvalidArgument naming the key when a regex does not compile.
  static StatusOr<IdentityMatcher> Create(const config::Keyless& expected);

  // OK iff the issuer matches and at least one subject does. kVerificationFailed otherwise:
  // "none of the expected identities matched: ..." (Connaisseur's text) naming the issuer or
  // the subjects the certificate has.
  Status Match(const CertificateIdentity& identity) const;

 private:
  IdentityMatcher(config::Keyless expected, std::shared_ptr<const re2::RE2> issuer_regex,
                  std::shared_ptr<const re2::RE2> subject_regex)
      : expected_(std::move(expected)),
        issuer_regex_(std::move(issuer_regex)),
        subject_regex_(std::move(subject_regex)) {}

  bool Matches(const std::string& value, const std::string& exact,
               const std::shared_ptr<const re2::RE2>& regex) const;

  config::Keyless expected_;
  std::shared_ptr<const re2::RE2> issuer_regex_;   // null when `issuer` is exact
  std::shared_ptr<const re2::RE2> subject_regex_;  // null when `subject` is exact
};

}  // namespace connaisseur::cosign
