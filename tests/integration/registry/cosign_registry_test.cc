// The cosign validator, signer and CLI against the real docker-registry (plain, TLS, htpasswd,
// token auth): every case of issue 5 item 5 that a real registry can produce. Error statuses a
// real registry never sends (500, slow, oversized) run against a scripted server at the end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "runtime/cli/commands.h"
#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/cosign_registry_fixture.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/encrypted_key.h"
#include "validators/cosign/signature_manifest.h"
#include "validators/cosign/signer.h"
#include "validators/cosign/simple_signing.h"
#include "validators/validator_set.h"

namespace connaisseur::cosign {
namespace {

using ::connaisseur::testing::CosignRegistryFixture;
using ::testing::HasSubstr;

config::RuleOptions Rule(std::string root, std::optional<int> threshold = std::nullopt,
                         std::vector<std::string> required = {}) {
  config::RuleOptions o;
  o.trust_root = std::move(root);
  o.threshold = threshold;
  o.required = std::move(required);
  o.verify_in_transparency_log = false;
  return o;
}

class CosignRegistryTest : public CosignRegistryFixture {
 protected:
  std::unique_ptr<CosignValidator> Validator(const NamedKeys& roots) {
    return CosignRegistryFixture::Validator(KeyValues("cosign-test", roots));
  }

  void Sign(const std::string& ref, const crypto::PrivateKey& key) {
    ASSERT_THAT(SignImage(*client_, Ref(ref), key, {}, Soon()), IsOk()) << ref;
  }

  // Replaces the .sig manifest of `digest` in `repo` by `m` (its blobs must exist).
  void PutSignatureManifest(const std::string& repo, const std::string& digest,
                            const SignatureManifest& m) {
    auto tag = SignatureTag(digest);
    ASSERT_THAT(tag, IsOk());
    ASSERT_THAT(
        client_->PutManifest(host(), repo, *tag, m.Serialize(), kOciManifestMediaType, Soon()),
        IsOk());
  }

  SignatureManifest GetSignatureManifest(const std::string& repo, const std::string& digest) {
    auto tag = SignatureTag(digest);
    EXPECT_THAT(tag, IsOk());
    auto m = client_->GetManifest(host(), repo, *tag, Soon());
    EXPECT_THAT(m, IsOk());
    auto parsed = SignatureManifest::Parse(m->body);
    EXPECT_THAT(parsed, IsOk());
    return std::move(parsed).value();
  }

  crypto::PrivateKey alice_ = NewKey(), bob_ = NewKey(), charlie_ = NewKey();
};

TEST_F(CosignRegistryTest, SignedImageIsAllowedWithItsDigest) {
  const std::string digest = PushImage("team/app", "v1", "signed");
  Sign(host() + "/team/app:v1", alice_);
  auto v = Validator({{"default", &alice_}});
  auto result = v->Verify(Ref(host() + "/team/app:v1"), Rule(""), Soon());
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->digest, digest);
  auto by_digest = v->Verify(Ref(host() + "/team/app@" + digest), Rule(""), Soon());
  ASSERT_THAT(by_digest, IsOk());
  EXPECT_EQ(by_digest->digest, digest);
}

TEST_F(CosignRegistryTest, SignerWritesCosignsLayout) {
  const std::string digest = PushImage("layout/app", "v1", "layout");
  Sign(host() + "/layout/app:v1", alice_);
  auto tag = SignatureTag(digest);
  ASSERT_THAT(tag, IsOk());
  EXPECT_EQ(*tag, "sha256-" + digest.substr(7) + ".sig");
  auto raw = client_->GetManifest(host(), "layout/app", *tag, Soon());
  ASSERT_THAT(raw, IsOk());
  EXPECT_EQ(raw->media_type, kOciManifestMediaType);
  auto m = SignatureManifest::Parse(raw->body);
  ASSERT_THAT(m, IsOk());
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->config.media_type, kOciConfigMediaType);
  EXPECT_EQ(m->layers[0].media_type, kSimpleSigningMediaType);
  auto payload =
      client_->GetBlob(host(), "layout/app", m->layers[0].digest, m->layers[0].size, Soon());
  ASSERT_THAT(payload, IsOk());
  EXPECT_EQ(*payload, R"({"critical":{"identity":{"docker-reference":")" + host() +
                          R"(/layout/app"},"image":{"docker-manifest-digest":")" + digest +
                          R"("},"type":"cosign container image signature"},"optional":null})");
  auto sig = crypto::Base64Decode(m->layers[0].annotations.at(std::string(kSignatureAnnotation)));
  ASSERT_THAT(sig, IsOk());
  auto pub = alice_.Public();
  ASSERT_THAT(pub, IsOk());
  EXPECT_THAT(pub->Verify(*payload, *sig, crypto::SignatureScheme::kEcdsaDer), IsOk());
  Sign(host() + "/layout/app:v1", bob_);
  EXPECT_EQ(GetSignatureManifest("layout/app", digest).layers.size(), 2u);
}

TEST_F(CosignRegistryTest, UnsignedAndMissingImagesAreDenied) {
  PushImage("team/unsigned", "v1", "unsigned");
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/team/unsigned:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("no signatures found")));
  EXPECT_THAT(v->Verify(Ref(host() + "/team/unsigned:nope"), Rule(""), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
  EXPECT_THAT(v->Verify(Ref(host() + "/team/absent:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
}

TEST_F(CosignRegistryTest, WrongKeyIsDenied) {
  PushImage("team/wrongkey", "v1", "wrongkey");
  Sign(host() + "/team/wrongkey:v1", bob_);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/team/wrongkey:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("validation threshold not reached (0/1)")));
}

TEST_F(CosignRegistryTest, ThresholdsAndRequiredCountDistinctRoots) {
  PushImage("team/multi", "v1", "multi");
  Sign(host() + "/team/multi:v1", alice_);
  Sign(host() + "/team/multi:v1", bob_);
  PushImage("team/alice3", "v1", "alice3");
  for (int i = 0; i < 3; ++i) Sign(host() + "/team/alice3:v1", alice_);
  auto v = Validator({{"alice", &alice_}, {"bob", &bob_}, {"charlie", &charlie_}});
  struct Case {
    std::string image;
    config::RuleOptions rule;
    std::string error;  // empty = allowed
  };
  const std::vector<Case> cases = {
      {"team/multi", Rule("alice"), ""},
      {"team/multi", Rule("charlie"), "(0/1)"},
      {"team/multi", Rule("*", 1), ""},
      {"team/multi", Rule("*", 2), ""},
      {"team/multi", Rule("*", 3), "validation threshold not reached (2/3)"},
      {"team/multi", Rule("*"), "validation threshold not reached (2/3)"},
      {"team/multi", Rule("*", 1, {"alice", "bob"}), ""},
      {"team/multi", Rule("*", 1, {"charlie"}), "missing required signatures from [charlie]"},
      {"team/alice3", Rule("*", 2), "validation threshold not reached (1/2)"},
      {"team/alice3", Rule("*", 1), ""},
  };
  for (const auto& c : cases) {
    auto r = v->Verify(Ref(host() + "/" + c.image + ":v1"), c.rule, Soon());
    const std::string name = c.image + " root=" + c.rule.trust_root +
                             " threshold=" + std::to_string(c.rule.threshold.value_or(-1));
    if (c.error.empty()) {
      EXPECT_THAT(r, IsOk()) << name;
    } else {
      EXPECT_THAT(r, StatusIs(StatusCode::kVerificationFailed, HasSubstr(c.error))) << name;
    }
  }
}

TEST_F(CosignRegistryTest, SignatureCopiedFromAnotherImageIsDenied) {
  const std::string signed_digest = PushImage("team/copy", "a", "copy-a");
  const std::string other_digest = PushImage("team/copy", "b", "copy-b");
  Sign(host() + "/team/copy:a", alice_);
  PutSignatureManifest("team/copy", other_digest, GetSignatureManifest("team/copy", signed_digest));
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(
      v->Verify(Ref(host() + "/team/copy:b"), Rule(""), Soon()),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("names digest " + signed_digest)));
  // The same signature manifest copied into another repository, onto another image.
  const std::string foreign = PushImage("other/repo", "v1", "foreign");
  auto m = GetSignatureManifest("team/copy", signed_digest);
  for (const auto& l : m.layers) {
    auto blob = client_->GetBlob(host(), "team/copy", l.digest, l.size, Soon());
    ASSERT_THAT(blob, IsOk());
    ASSERT_THAT(client_->PutBlob(host(), "other/repo", *blob, Soon()), IsOk());
  }
  auto config = client_->GetBlob(host(), "team/copy", m.config.digest, m.config.size, Soon());
  ASSERT_THAT(config, IsOk());
  ASSERT_THAT(client_->PutBlob(host(), "other/repo", *config, Soon()), IsOk());
  PutSignatureManifest("other/repo", foreign, m);
  EXPECT_THAT(v->Verify(Ref(host() + "/other/repo:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("names digest")));
}

// team/tamper:v1, an image of its own per test, signed by alice; each test changes its signature
// manifest in one way.
class TamperedSignatureTest : public CosignRegistryTest {
 protected:
  void SetUp() override {
    CosignRegistryTest::SetUp();
    if (IsSkipped()) return;
    // An image of its own per test (the seed makes the digest): signing again would add a
    // second, untampered signature to the same manifest.
    const std::string seed = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    digest_ = PushImage("team/tamper", "v1", seed);
    Sign(host() + "/team/tamper:v1", alice_);
    good_ = GetSignatureManifest("team/tamper", digest_);
  }

  // Verifies team/tamper:v1 with `m` as its signature manifest.
  auto VerifyWith(const SignatureManifest& m) {
    PutSignatureManifest("team/tamper", digest_, m);
    return Validator({{"default", &alice_}})
        ->Verify(Ref(host() + "/team/tamper:v1"), Rule(""), Soon());
  }

  // Uploads `bytes` as a blob of team/tamper; returns its digest.
  std::string PutBlob(const std::string& bytes) {
    auto d = client_->PutBlob(host(), "team/tamper", bytes, Soon());
    EXPECT_THAT(d, IsOk());
    return d.ok() ? *d : "";
  }

  std::string digest_;
  SignatureManifest good_;
};

// The payload edited and re-uploaded under its new digest: the signature no longer fits.
TEST_F(TamperedSignatureTest, AnEditedPayloadIsDenied) {
  auto payload =
      client_->GetBlob(host(), "team/tamper", good_.layers[0].digest, good_.layers[0].size, Soon());
  ASSERT_THAT(payload, IsOk());
  std::string edited = *payload;
  edited.replace(edited.find("cosign container"), 6, "COSIGN");
  SignatureManifest m = good_;
  m.layers[0].digest = PutBlob(edited);
  EXPECT_THAT(VerifyWith(m),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(TamperedSignatureTest, AnEditedSignatureAnnotationIsDenied) {
  SignatureManifest m = good_;
  std::string& sig = m.layers[0].annotations[std::string(kSignatureAnnotation)];
  sig[10] = sig[10] == 'A' ? 'B' : 'A';
  EXPECT_THAT(VerifyWith(m),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("does not verify")));
}

TEST_F(TamperedSignatureTest, AWrongDescriptorSizeIsDenied) {
  SignatureManifest m = good_;
  m.layers[0].size += 1;
  EXPECT_THAT(VerifyWith(m), StatusIs(StatusCode::kVerificationFailed, HasSubstr("size")));
}

TEST_F(TamperedSignatureTest, AValidlySignedPayloadNamingAnotherDigestIsDenied) {
  SimpleSigning s{"x/y", crypto::OciDigest("another image"), std::string(kSimpleSigningType), {}};
  const std::string bytes = s.Serialize();
  auto sig = alice_.Sign(bytes, crypto::SignatureScheme::kEcdsaDer);
  ASSERT_THAT(sig, IsOk());
  SignatureManifest m = good_;
  m.layers[0].digest = PutBlob(bytes);
  m.layers[0].size = bytes.size();
  m.layers[0].annotations[std::string(kSignatureAnnotation)] = crypto::Base64Encode(*sig);
  EXPECT_THAT(VerifyWith(m), StatusIs(StatusCode::kVerificationFailed, HasSubstr("names digest")));
}

// A blob changed inside the registry's own storage after upload: the registry still serves it
// under its old digest, so only the client's digest check stands between it and a verdict.
TEST_F(CosignRegistryTest, SignatureBlobChangedInRegistryStorageIsDenied) {
  const std::string digest = PushImage("team/rot", "v1", "bit-rot");
  Sign(host() + "/team/rot:v1", alice_);
  auto v = Validator({{"default", &alice_}});
  ASSERT_THAT(v->Verify(Ref(host() + "/team/rot:v1"), Rule(""), Soon()), IsOk());

  const SignatureManifest m = GetSignatureManifest("team/rot", digest);
  const std::string hex = m.layers[0].digest.substr(std::string("sha256:").size());
  const std::string path = registry_->dir() + "/data/docker/registry/v2/blobs/sha256/" +
                           hex.substr(0, 2) + "/" + hex + "/data";
  auto bytes = testing::ReadFile(path);
  ASSERT_THAT(bytes, IsOk()) << path;
  std::string flipped = *bytes;
  const size_t at = flipped.find("cosign container");
  ASSERT_NE(at, std::string::npos);
  flipped[at] = 'C';  // same size, one byte different
  ASSERT_THAT(testing::WriteFile(path, flipped), IsOk());

  auto served = client_->GetBlob(host(), "team/rot", m.layers[0].digest, m.layers[0].size, Soon());
  EXPECT_THAT(served, StatusIs(StatusCode::kVerificationFailed, HasSubstr("content hashes to")))
      << "the registry served the changed bytes; the client must refuse them";
  EXPECT_THAT(v->Verify(Ref(host() + "/team/rot:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("content hashes to")));
}

// Through the validator set, whose cache is keyed by the resolved digest: a tag moved to an
// unsigned image within the cache TTL is denied, and moving it back is a cache hit.
TEST_F(CosignRegistryTest, ValidatorSetReverifiesATagMovedWithinTheCacheTtl) {
  const std::string signed_digest = PushImage("team/ttl", "v1", "ttl-signed");
  Sign(host() + "/team/ttl:v1", alice_);
  validators::ValidatorSet::ValidatorMap map;
  map.emplace("cosign-test", Validator({{"default", &alice_}}));
  validators::VerificationCache::Options cache;
  cache.ttl = std::chrono::seconds(300);
  validators::ValidatorSet set(std::move(map), cache);
  config::Rule rule;
  rule.pattern = host() + "/team/*";
  rule.validator = "cosign-test";
  rule.with = Rule("");
  rule.with_json = {{"verifyInTransparencyLog", false}};

  auto first = set.Verify(rule, Ref(host() + "/team/ttl:v1"), Soon());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->digest, signed_digest);

  PushImage("team/ttl", "v1", "ttl-unsigned");
  EXPECT_THAT(set.Verify(rule, Ref(host() + "/team/ttl:v1"), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("no signatures found")));

  PushImage("team/ttl", "v1", "ttl-signed");  // same bytes, same digest
  auto back = set.Verify(rule, Ref(host() + "/team/ttl:v1"), Soon());
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->digest, signed_digest);
  EXPECT_EQ(back->cache, verification::CacheOutcome::kCacheHit);
}

TEST_F(CosignRegistryTest, TagMovedAfterSigningIsDenied) {
  PushImage("team/moved", "v1", "before");
  Sign(host() + "/team/moved:v1", alice_);
  PushImage("team/moved", "v1", "after");
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/team/moved:v1"), Rule(""), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("no signatures found")));
}

TEST_F(CosignRegistryTest, DigestReferenceMustAgreeWithItsTag) {
  const std::string a = PushImage("team/pin", "a", "pin-a");
  const std::string b = PushImage("team/pin", "b", "pin-b");
  Sign(host() + "/team/pin:a", alice_);
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(v->Verify(Ref(host() + "/team/pin:a@" + a), Rule(""), Soon()), IsOk());
  EXPECT_THAT(v->Verify(Ref(host() + "/team/pin:b@" + a), Rule(""), Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("not the pinned")));
  EXPECT_THAT(
      v->Verify(Ref(host() + "/team/pin@" + crypto::OciDigest("no such")), Rule(""), Soon()),
      StatusIs(StatusCode::kNotFound, HasSubstr("does not exist")));
  (void)b;  // pushed so tag b exists and resolves elsewhere
}

TEST_F(CosignRegistryTest, MultiArchIndexIsVerifiedAtTheIndexDigest) {
  const std::string amd = PushImage("team/multiarch", "amd64", "amd");
  const std::string arm = PushImage("team/multiarch", "arm64", "arm");
  auto m1 = client_->GetManifest(host(), "team/multiarch", amd, Soon());
  auto m2 = client_->GetManifest(host(), "team/multiarch", arm, Soon());
  ASSERT_THAT(m1, IsOk());
  ASSERT_THAT(m2, IsOk());
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      amd + R"(","size":)" + std::to_string(m1->body.size()) +
      R"(,"platform":{"architecture":"amd64","os":"linux"}},)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      arm + R"(","size":)" + std::to_string(m2->body.size()) +
      R"(,"platform":{"architecture":"arm64","os":"linux"}}]})";
  auto index_digest = client_->PutManifest(host(), "team/multiarch", "v1", index,
                                           "application/vnd.oci.image.index.v1+json", Soon());
  ASSERT_THAT(index_digest, IsOk());
  Sign(host() + "/team/multiarch:v1", alice_);
  auto v = Validator({{"default", &alice_}});
  auto r = v->Verify(Ref(host() + "/team/multiarch:v1"), Rule(""), Soon());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->digest, *index_digest);
  EXPECT_THAT(v->Verify(Ref(host() + "/team/multiarch:amd64"), Rule(""), Soon()),
              StatusIs(StatusCode::kNotFound, HasSubstr("no signatures found")));
}

TEST_F(CosignRegistryTest, TransparencyLogRequiredWithoutBundleIsDenied) {
  PushImage("team/tlog", "v1", "tlog");
  Sign(host() + "/team/tlog:v1", alice_);
  auto v = Validator({{"default", &alice_}});
  config::RuleOptions rule = Rule("");
  rule.verify_in_transparency_log = true;
  EXPECT_THAT(v->Verify(Ref(host() + "/team/tlog:v1"), rule, Soon()),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("signature not found in transparency log")));
}

TEST_F(CosignRegistryTest, EncryptedKeysOfBothLabelsSignThroughTheCli) {
  auto dir = testing::MakeTempDir("cn-sign-cli");
  ASSERT_THAT(dir, IsOk());
  PushImage("team/cli", "v1", "cli");
  setenv("COSIGN_PASSWORD", "pass phrase", 1);
  const std::string prefix = *dir + "/gen";
  const std::vector<std::string_view> gen_args = {"--output-key-prefix", prefix};
  ASSERT_EQ(cli::RunGenerateKeyPair(gen_args), 0);
  EXPECT_EQ(cli::RunGenerateKeyPair(gen_args), 2) << "must not overwrite";
  auto gen_key_text = testing::ReadFile(prefix + ".key");
  ASSERT_THAT(gen_key_text, IsOk());
  EXPECT_THAT(*gen_key_text, HasSubstr("ENCRYPTED SIGSTORE PRIVATE KEY"));
  // A second key with the older label, written by our library.
  auto legacy = EncryptCosignKey(bob_, "pass phrase", kCosignKeyLabel);
  ASSERT_THAT(legacy, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/legacy.key", *legacy), IsOk());
  for (const std::string& key_path : {prefix + ".key", *dir + "/legacy.key"}) {
    const std::string image = host() + "/team/cli:v1";
    const std::vector<std::string_view> args = {"--key", key_path, "--insecure-http", image};
    EXPECT_EQ(cli::RunSign(args), 0) << key_path;
  }
  setenv("COSIGN_PASSWORD", "wrong", 1);
  {
    const std::string key = prefix + ".key", image = host() + "/team/cli:v1";
    const std::vector<std::string_view> args = {"--key", key, "--insecure-http", image};
    EXPECT_EQ(cli::RunSign(args), 2) << "wrong passphrase";
  }
  unsetenv("COSIGN_PASSWORD");
  auto gen_pub = testing::ReadFile(prefix + ".pub");
  ASSERT_THAT(gen_pub, IsOk());
  auto v = CosignRegistryFixture::Validator(
      {.host = host(),
       .validator = "cli",
       .more_trust_roots = {{"gen", testing::KeyTrustRoot(*gen_pub)},
                            {"legacy", testing::KeyTrustRoot(bob_.PublicPem())}}});
  ASSERT_NE(v, nullptr);
  EXPECT_THAT(v->Verify(Ref(host() + "/team/cli:v1"), Rule("*", 2), Soon()), IsOk());
  std::filesystem::remove_all(*dir);
}

TEST_F(CosignRegistryTest, RegistryDownIsDeniedPromptly) {
  auto port = testing::FreeLoopbackPort();
  ASSERT_THAT(port, IsOk());
  auto v = Validator({{"default", &alice_}});
  EXPECT_THAT(
      v->Verify(Ref("127.0.0.1:" + std::to_string(*port) + "/team/app:v1"), Rule(""), Soon()),
      StatusIs(StatusCode::kUnavailable, ::testing::_));
}

}  // namespace
}  // namespace connaisseur::cosign
