#include "tests/validators/cosign/keyless_tamper_cases.h"

#include "runtime/crypto/private_key.h"

namespace connaisseur::cosign::testing {

config::Keyless Identity(std::string subject, std::string issuer) {
  config::Keyless k;
  k.subject = std::move(subject);
  k.issuer = std::move(issuer);
  return k;
}

config::Keyless RegexIdentity(std::string subject_regex, std::string issuer_regex) {
  config::Keyless k;
  k.subject_regex = std::move(subject_regex);
  k.issuer_regex = std::move(issuer_regex);
  return k;
}

namespace {

LeafOptions With(std::function<void(LeafOptions&)> change) {
  LeafOptions o;
  change(o);
  return o;
}

void NoChange(LayerOptions&, const KeylessFixture&, const Leaf&) {}

}  // namespace

std::vector<TamperCase> KeylessTamperCases() {
  // Keys that sign nothing the fixture trusts; made once, kept for the process.
  static const crypto::PrivateKey stranger =
      std::move(crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256)).value();
  return {
      {"chain to another CA", With([](LeafOptions& o) { o.issued_by_stranger = true; }), NoChange,
       Identity(), "does not chain to host.fulcioCert"},
      {"expired at integratedTime",
       {},
       [](LayerOptions& o, const KeylessFixture&, const Leaf&) {
         o.integrated_time = kIssuedAt + 601;
       },
       Identity(),
       "certificate is not valid at integratedTime 2023-11-14T22:23:21Z"},
      {"not yet valid at integratedTime",
       {},
       [](LayerOptions& o, const KeylessFixture&, const Leaf&) {
         o.integrated_time = kIssuedAt - 1;
       },
       Identity(),
       "not valid at integratedTime"},
      {"not for code signing", With([](LeafOptions& o) { o.code_signing = false; }), NoChange,
       Identity(), "not for code signing"},
      {"SCT signature bad", With([](LeafOptions& o) { o.sct = LeafOptions::Sct::kBadSignature; }),
       NoChange, Identity(), "SCT: signature does not verify with host.ctLogPubkey"},
      {"SCT missing", With([](LeafOptions& o) { o.sct = LeafOptions::Sct::kNone; }), NoChange,
       Identity(), "SCT: certificate has no embedded SCT"},
      {"SCT from another log", With([](LeafOptions& o) { o.sct = LeafOptions::Sct::kOtherLog; }),
       NoChange, Identity(), "SCT: no SCT from the CT log"},
      {"subject mismatch exact",
       {},
       NoChange,
       Identity("bob@example.com"),
       "none of the expected identities matched: the certificate's subject \"alice@example.com\""},
      {"subject mismatch regex",
       With([](LeafOptions& o) { o.emails = {"alice@example.com.attacker.org"}; }), NoChange,
       RegexIdentity(R"(.*@example\.com)", ".*"), "none of the expected identities matched"},
      {"issuer mismatch",
       With([](LeafOptions& o) { o.issuer_v1 = o.issuer_v2 = "https://attacker.example"; }),
       NoChange, Identity(), "issuer \"https://attacker.example\" is not the trust root's"},
      {"issuer extensions disagree",
       With([](LeafOptions& o) { o.issuer_v1 = "https://attacker.example"; }), NoChange, Identity(),
       "two OIDC issuer extensions disagree"},
      {"no issuer extension", With([](LeafOptions& o) { o.issuer_v1 = o.issuer_v2 = ""; }),
       NoChange, Identity(), "no OIDC issuer extension"},
      {"SET by another key",
       {},
       [](LayerOptions& o, const KeylessFixture&, const Leaf&) { o.set_by_stranger = true; },
       Identity(),
       "signed entry timestamp does not verify"},
      {"no Rekor bundle",
       {},
       [](LayerOptions& o, const KeylessFixture&, const Leaf&) { o.include_bundle = false; },
       Identity(),
       "signature not found in transparency log"},
      {"Rekor entry for another certificate",
       {},
       [](LayerOptions& o, const KeylessFixture& f, const Leaf& leaf) {
         // Same key, another certificate (another identity): only the entry check sees it.
         LeafOptions other;
         other.emails = {"mallory@example.com"};
         o.entry_certificate_pem = *f.IssueLeafPem(leaf.key, other);
       },
       Identity(),
       "transparency log entry does not name this signing certificate"},
      {"signature by another key",
       {},
       [](LayerOptions& o, const KeylessFixture&, const Leaf&) { o.signature_key = &stranger; },
       Identity(),
       "signature does not verify with the trust root's key"},
  };
}

}  // namespace connaisseur::cosign::testing
