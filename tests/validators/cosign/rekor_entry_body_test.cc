// Rekor entry bodies (validators/cosign/rekor_entry_body.h): `intoto` 0.0.1 and 0.0.2 entries, as
// Rekor logs what `cosign attest` uploads, and `dsse` / `hashedrekord` / `rekord` ones verify for
// the envelope or signature they were made for; an entry made for another envelope, payload,
// signature or key, naming no key or payload hash, with a forged SET or another log's ID, of an
// unknown kind or version, or malformed, is refused naming why.
#include "validators/cosign/rekor_entry_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/cosign/test_rekor.h"
#include "validators/cosign/dsse_envelope.h"
#include "validators/cosign/in_toto_statement.h"
#include "validators/cosign/rekor_bundle.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::cosign::testing::IntotoUpload;
using ::connaisseur::cosign::testing::IntotoV1Body;
using ::connaisseur::cosign::testing::IntotoV2Body;
using ::connaisseur::cosign::testing::RekorBundleJson;
using ::testing::HasSubstr;
using json = nlohmann::json;

crypto::PrivateKey NewKey() {
  auto k = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  EXPECT_THAT(k, IsOk());
  return std::move(k).value();
}

constexpr char kStatement[] =
    R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"aa"}}],)"
    R"("predicateType":"https://slsa.dev/provenance/v1","predicate":{}})";

// A signer's envelope as `cosign attest` stores it in a `.att` layer, and the keys around it.
struct Fixture {
  crypto::PrivateKey rekor = NewKey(), signer = NewKey(), stranger = NewKey();
  DsseEnvelope envelope = Sign(kStatement);
  std::string stored = envelope.Serialize();

  DsseEnvelope Sign(std::string_view payload) const {
    DsseEnvelope e{std::string(kInTotoPayloadType), std::string(payload), {}};
    auto sig = signer.Sign(DssePae(e.payload_type, e.payload), crypto::SignatureScheme::kEcdsaDer);
    EXPECT_THAT(sig, IsOk());
    e.signatures.push_back(std::move(sig).value());
    return e;
  }
  IntotoUpload Upload() const { return {stored, signer.PublicPem()}; }
  std::string Logged(const json& body) const { return RekorBundleJson(body, rekor, rekor); }
  LoggedArtifact Artifact(bool envelope_known = true) const {
    LoggedArtifact a{envelope.signatures[0], envelope.payload, true};
    if (envelope_known) a.envelope = stored;
    return a;
  }
  Status Verify(const std::string& bundle, bool envelope_known = true) const {
    return VerifyRekorBundle(bundle, rekor.Public().value(), Artifact(envelope_known),
                             signer.Public().value());
  }
};

TEST(RekorEntryBodyTest, IntotoEntriesForTheStoredEnvelopeVerify) {
  const Fixture f;
  EXPECT_THAT(f.Verify(f.Logged(IntotoV2Body(f.Upload()))), IsOk());
  EXPECT_THAT(f.Verify(f.Logged(IntotoV1Body(f.Upload()))), IsOk());
}

TEST(RekorEntryBodyTest, AnIntotoV2EntryNamesTheSignatureSoABundleNeedsNoStoredEnvelope) {
  const Fixture f;
  EXPECT_THAT(f.Verify(f.Logged(IntotoV2Body(f.Upload())), /*envelope_known=*/false), IsOk());
}

TEST(RekorEntryBodyTest, AnIntotoEntryCannotLogAPlainSignatureNorAHashedrekordADsseOne) {
  const Fixture f;
  LoggedArtifact plain = f.Artifact();
  plain.dsse = false;
  plain.envelope.reset();
  EXPECT_THAT(VerifyEntryBody(crypto::Base64Encode(IntotoV2Body(f.Upload()).dump()), plain,
                              f.signer.Public().value()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("cannot log a plain signature")));
  const json hashedrekord = {
      {"apiVersion", "0.0.1"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"signature",
         {{"content", crypto::Base64Encode(f.envelope.signatures[0])},
          {"publicKey", {{"content", crypto::Base64Encode(f.signer.PublicPem())}}}}},
        {"data", {{"hash", testing::Sha256Of(f.envelope.payload)}}}}}};
  EXPECT_THAT(f.Verify(f.Logged(hashedrekord)),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("cannot log a DSSE")));
}

// A `hashedrekord` or `rekord` entry for the envelope's payload signed plainly by `key_pem`
// ("": the entry names no key).
json RekordBody(const Fixture& f, std::string_view kind, const std::string& key_pem) {
  json sig = {{"content", crypto::Base64Encode(f.envelope.signatures[0])}};
  if (!key_pem.empty()) sig["publicKey"] = {{"content", crypto::Base64Encode(key_pem)}};
  return {
      {"apiVersion", "0.0.1"},
      {"kind", kind},
      {"spec", {{"signature", sig}, {"data", {{"hash", testing::Sha256Of(f.envelope.payload)}}}}}};
}

// A `dsse` entry for the fixture's envelope whose signature names `key_pem` as its verifier ("":
// none).
json DsseBody(const Fixture& f, const std::string& key_pem) {
  json sig = {{"signature", crypto::Base64Encode(f.envelope.signatures[0])}};
  if (!key_pem.empty()) sig["verifier"] = crypto::Base64Encode(key_pem);
  return {{"apiVersion", "0.0.1"},
          {"kind", "dsse"},
          {"spec",
           {{"payloadHash", testing::Sha256Of(f.envelope.payload)},
            {"signatures", json::array({sig})}}}};
}

TEST(RekorEntryBodyTest, ARekordEntryMustNameTheSignersKey) {
  const Fixture f;
  const LoggedArtifact plain{f.envelope.signatures[0], f.envelope.payload, false};
  const crypto::PublicKey signer = f.signer.Public().value();
  for (std::string_view kind : {"hashedrekord", "rekord"}) {
    auto body = [&](const std::string& pem) {
      return crypto::Base64Encode(RekordBody(f, kind, pem).dump());
    };
    EXPECT_THAT(VerifyEntryBody(body(f.signer.PublicPem()), plain, signer), IsOk()) << kind;
    EXPECT_THAT(VerifyEntryBody(body(f.stranger.PublicPem()), plain, signer),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr("another key")))
        << kind;
    EXPECT_THAT(VerifyEntryBody(body(""), plain, signer),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr("entry names no public key")))
        << kind;
  }
}

TEST(RekorEntryBodyTest, ADsseEntryMustNameTheSignersKeyAsVerifier) {
  const Fixture f;
  EXPECT_THAT(f.Verify(f.Logged(DsseBody(f, f.signer.PublicPem())), false), IsOk());
  EXPECT_THAT(f.Verify(f.Logged(DsseBody(f, f.stranger.PublicPem())), false),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("another key")));
  EXPECT_THAT(f.Verify(f.Logged(DsseBody(f, "")), false),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("entry names no public key")));
}

TEST(RekorEntryBodyTest, ABundlesKindVersionMustAgreeWithTheBody) {
  const Fixture f;
  const std::string body = crypto::Base64Encode(IntotoV2Body(f.Upload()).dump());
  EXPECT_THAT(VerifyEntryBody(body, f.Artifact(), f.signer.Public().value(),
                              ClaimedKind{"intoto", "0.0.2"}),
              IsOk());
  EXPECT_THAT(
      VerifyEntryBody(body, f.Artifact(), f.signer.Public().value(), ClaimedKind{"dsse", "0.0.1"}),
      StatusIs(StatusCode::kVerificationFailed,
               HasSubstr("kindVersion dsse 0.0.1 does not match the entry's intoto 0.0.2")));
}

// One way an entry can fail to vouch for the fixture's envelope.
struct TamperCase {
  std::string name;
  std::function<std::string(const Fixture&)> bundle;  // the offline bundle the layer carries
  std::string message;
  bool envelope_known = true;  // the stored envelope is at hand (a `.att` layer), else a bundle
  friend void PrintTo(const TamperCase& c, std::ostream* os) { *os << c.name; }
};

// `edit` applied to the body `make` builds for the fixture's upload, then logged honestly.
std::function<std::string(const Fixture&)> Edited(json (*make)(const IntotoUpload&),
                                                  std::function<void(json&)> edit) {
  return [make, edit](const Fixture& f) {
    json body = make(f.Upload());
    edit(body);
    return f.Logged(body);
  };
}

// The entry Rekor made for another upload.
std::function<std::string(const Fixture&)> ForUpload(
    json (*make)(const IntotoUpload&), std::function<void(const Fixture&, IntotoUpload&)> change) {
  return [make, change](const Fixture& f) {
    IntotoUpload up = f.Upload();
    change(f, up);
    return f.Logged(make(up));
  };
}

void StoredDifferently(const Fixture&, IntotoUpload& up) { up.envelope += "\n"; }
void OtherPayload(const Fixture& f, IntotoUpload& up) {
  up.envelope = f.Sign(std::string(kStatement) + " ").Serialize();
}
void SignedAgain(const Fixture& f, IntotoUpload& up) {
  up.envelope = f.Sign(kStatement).Serialize();  // ECDSA: another signature, same payload
}
void OtherKey(const Fixture& f, IntotoUpload& up) { up.signer_pem = f.stranger.PublicPem(); }

json* V2Sig(json& body) { return &body["spec"]["content"]["envelope"]["signatures"][0]["sig"]; }

std::vector<TamperCase> IntotoV2Cases() {
  return {
      {"v2 other envelope bytes", ForUpload(IntotoV2Body, StoredDifferently), "envelope's sha256"},
      {"v2 other payload", ForUpload(IntotoV2Body, OtherPayload), "payload's sha256"},
      {"v2 other signature", ForUpload(IntotoV2Body, SignedAgain), "envelope's sha256"},
      {"v2 other signature in a bundle", ForUpload(IntotoV2Body, SignedAgain), "this signature",
       false},
      {"v2 other key", ForUpload(IntotoV2Body, OtherKey), "another key"},
      {"v2 signature encoded once",
       Edited(
           IntotoV2Body,
           [](json& b) { *V2Sig(b) = crypto::Base64Decode(V2Sig(b)->get<std::string>()).value(); }),
       "this signature"},
      {"v2 no public key",
       Edited(
           IntotoV2Body,
           [](json& b) { b["spec"]["content"]["envelope"]["signatures"][0].erase("publicKey"); }),
       "names no public key"},
      {"v2 public key not base64",
       Edited(
           IntotoV2Body,
           [](json& b) { b["spec"]["content"]["envelope"]["signatures"][0]["publicKey"] = "%%"; }),
       "another key"},
      {"v2 hash of another algorithm",
       Edited(IntotoV2Body, [](json& b) { b["spec"]["content"]["hash"]["algorithm"] = "sha512"; }),
       "envelope's sha256"},
  };
}

std::vector<TamperCase> IntotoV1Cases() {
  return {
      {"v1 other envelope bytes", ForUpload(IntotoV1Body, StoredDifferently), "envelope's sha256"},
      {"v1 other payload", ForUpload(IntotoV1Body, OtherPayload), "envelope's sha256"},
      {"v1 payload hash of another payload",
       Edited(IntotoV1Body,
              [](json& b) { b["spec"]["content"]["payloadHash"] = testing::Sha256Of("x"); }),
       "payload's sha256"},
      {"v1 no payload hash",
       Edited(IntotoV1Body, [](json& b) { b["spec"]["content"].erase("payloadHash"); }),
       "payload's sha256"},
      {"v1 other signature", ForUpload(IntotoV1Body, SignedAgain), "envelope's sha256"},
      {"v1 other key", ForUpload(IntotoV1Body, OtherKey), "another key"},
      {"v1 no public key", Edited(IntotoV1Body, [](json& b) { b["spec"].erase("publicKey"); }),
       "names no public key"},
      {"v1 in a bundle", ForUpload(IntotoV1Body, [](const Fixture&, IntotoUpload&) {}),
       "re-serialised", false},
  };
}

std::vector<TamperCase> LogAndShapeCases() {
  return {
      {"set by another key",
       [](const Fixture& f) {
         return RekorBundleJson(IntotoV2Body(f.Upload()), f.rekor, f.stranger);
       },
       "signed entry timestamp does not verify"},
      {"logID of another log",
       [](const Fixture& f) {
         return RekorBundleJson(IntotoV2Body(f.Upload()), f.stranger, f.rekor);
       },
       "logID"},
      {"unknown kind", Edited(IntotoV2Body, [](json& b) { b["kind"] = "intoto2"; }),
       "unsupported entry kind intoto2"},
      {"unknown apiVersion", Edited(IntotoV2Body, [](json& b) { b["apiVersion"] = "0.0.3"; }),
       "unsupported entry kind intoto apiVersion 0.0.3"},
      {"no kind", Edited(IntotoV1Body, [](json& b) { b.erase("kind"); }), "unsupported entry"},
      {"spec not an object", Edited(IntotoV2Body, [](json& b) { b["spec"] = "x"; }),
       "payload's sha256"},
      {"signatures not an array",
       Edited(IntotoV2Body,
              [](json& b) {
                b["spec"]["content"]["envelope"]["signatures"] = {{"sig", 1}};
              }),
       "this signature"},
      {"sig not a string", Edited(IntotoV2Body, [](json& b) { *V2Sig(b) = 5; }), "this signature"},
      {"sig not base64", Edited(IntotoV2Body, [](json& b) { *V2Sig(b) = "%%%"; }),
       "this signature"},
      {"body an array", [](const Fixture& f) { return f.Logged(json::array({1})); }, "not JSON"},
  };
}

class RekorEntryTamperTest : public ::testing::TestWithParam<TamperCase> {};

TEST_P(RekorEntryTamperTest, IsRefusedNamingTheBinding) {
  const Fixture f;
  EXPECT_THAT(f.Verify(GetParam().bundle(f), GetParam().envelope_known),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(IntotoV2, RekorEntryTamperTest, ::testing::ValuesIn(IntotoV2Cases()),
                         ::connaisseur::testing::NameOfCase());
INSTANTIATE_TEST_SUITE_P(IntotoV1, RekorEntryTamperTest, ::testing::ValuesIn(IntotoV1Cases()),
                         ::connaisseur::testing::NameOfCase());
INSTANTIATE_TEST_SUITE_P(LogAndShape, RekorEntryTamperTest, ::testing::ValuesIn(LogAndShapeCases()),
                         ::connaisseur::testing::NameOfCase());

TEST(RekorEntryBodyTest, AMalformedBodyUnderAValidSetIsRefusedNotACrash) {
  const Fixture f;
  for (const std::string& body : {std::string("!!"), crypto::Base64Encode("{"),
                                  crypto::Base64Encode(R"({"kind":"intoto","apiVersion":"0.0.2"})"),
                                  crypto::Base64Encode(R"({"kind":"intoto","apiVersion":"0.0.1",)"
                                                       R"("spec":{"content":[]}})")}) {
    EXPECT_THAT(VerifyEntryBody(body, f.Artifact(), f.signer.Public().value()),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr("transparency log bundle")))
        << body;
  }
}

}  // namespace
}  // namespace connaisseur::cosign
