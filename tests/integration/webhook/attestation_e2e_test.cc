// The two attestation example policies (examples/policies/slsa-provenance/ and
// sbom-deny-packages/) against the real docker-registry over TLS, through the `connaisseur`
// binary's own `test` command: images signed and attested by `connaisseur sign --attest` (the
// `.att` layout and bundle referrers) reach `connaisseur.verify(...).attestations`; a tampered
// statement, one signed by another key or one about another image never does, and the policy
// denies with its message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/crypto/private_key.h"
#include "runtime/net/http_client.h"
#include "runtime/registry/registry_client.h"
#include "tests/cli/binary_runner.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/cosign_values.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/source_dirs.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/attestation_signer.h"
#include "validators/cosign/attestations.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using cli::testing::RunConnaisseur;
using cli::testing::TempDir;
using nlohmann::json;

constexpr char kBuilder[] = "https://ci.example.com/builders/release";  // the example's BUILDER
constexpr char kSlsa1[] = "https://slsa.dev/provenance/v1";
constexpr char kSlsa02[] = "https://slsa.dev/provenance/v0.2";

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

json Provenance1(const std::string& builder) {
  return {{"runDetails", {{"builder", {{"id", builder}}}}}};
}

json Spdx(const std::vector<std::string>& packages) {
  json list = json::array();
  for (const auto& p : packages) list.push_back({{"name", p}, {"versionInfo", "1.0"}});
  return {{"spdxVersion", "SPDX-2.3"}, {"packages", list}};
}

class AttestationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
    net::GlobalInit();
    ASSERT_NE(TestCa::Shared(), nullptr);
    auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(registry).value();
    registry::RegistryOptions options;
    options.ca_pem = TestCa::Shared()->ca_cert_pem();
    auto client = registry::RegistryClient::Create(options);
    ASSERT_THAT(client, IsOk());
    client_ = std::move(client).value();
  }

  std::string Ref(const std::string& repo) const { return registry_->host() + "/" + repo + ":v1"; }

  // Pushes `repo:v1`, signed by the release key; returns its digest.
  std::string PushSigned(const std::string& repo) {
    auto digest = PushTestImage(*client_, registry_->host(), repo, "v1", Soon());
    EXPECT_THAT(digest, IsOk());
    auto image = image::ImageReference::Parse(Ref(repo));
    EXPECT_THAT(image, IsOk());
    EXPECT_THAT(cosign::SignImage(*client_, *image, release_, {}, Soon()), IsOk());
    return digest.ok() ? *digest : "";
  }

  // `signer` attests `predicate` about `repo:v1` (.att layout, or a bundle referrer).
  void Attest(const std::string& repo, const std::string& type, const json& predicate,
              const crypto::PrivateKey& signer, bool bundle = false) {
    auto image = image::ImageReference::Parse(Ref(repo));
    ASSERT_THAT(image, IsOk());
    ASSERT_THAT(cosign::AttestImage(*client_, *image, type, predicate,
                                    cosign::PrivateKeySigner(signer), bundle, Soon()),
                IsOk());
  }

  // Pushes `envelope` (built by the test) as a `.att` layer of `repo`'s image `digest`.
  void PublishEnvelope(const std::string& repo, const std::string& digest,
                       const cosign::DsseEnvelope& envelope, const std::string& type) {
    ASSERT_THAT(cosign::PublishAttestationLayer(*client_, registry_->host(), repo, digest, envelope,
                                                type, Soon()),
                IsOk());
  }

  cosign::DsseEnvelope Envelope(const std::string& digest, const std::string& type,
                                const json& predicate) {
    auto e = cosign::MakeAttestationEnvelope("release", digest, type, predicate,
                                             cosign::PrivateKeySigner(release_), Soon());
    EXPECT_THAT(e, IsOk());
    return std::move(e).value();
  }

  // The example's validator `cosign-release` on this registry and the release key, no Rekor.
  std::string Values() const {
    CosignValues values;
    values.host = registry_->host();
    values.trust_root = KeyTrustRoot(release_.PublicPem());
    values.validator = "cosign-release";
    return values.Yaml();
  }

  struct Case {
    std::string name, repo;
    bool allowed;
    std::string message;  // a substring of the deny message
  };

  // Runs `connaisseur test` with the example's policy over one Pod case per entry.
  void RunExample(const std::string& example, const std::vector<Case>& cases) {
    std::string yaml = "cases:\n";
    for (const Case& c : cases) {
      const json pod = {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", "p"}}},
                        {"spec", {{"containers", {{{"name", "c"}, {"image", Ref(c.repo)}}}}}}};
      json expect = {{"allowed", c.allowed}};
      if (!c.message.empty()) expect["message"] = c.message;
      yaml += "  - name: " + json(c.name).dump() + "\n    object: " + pod.dump() +
              "\n    expect: " + expect.dump() + "\n";
    }
    TempDir dir;
    const std::string values = dir.Write("values.yaml", Values());
    const std::string cases_file = dir.Write("cases.yaml", yaml);
    const std::string policy =
        std::string(SourceDir()) + "/examples/policies/" + example + "/policy.lua";
    const auto run =
        RunConnaisseur({"test", "--config", values, "--policy-script", policy, cases_file});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  }

  std::unique_ptr<RegistryProcess> registry_;
  std::unique_ptr<registry::RegistryClient> client_;
  crypto::PrivateKey release_ = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256).value();
  crypto::PrivateKey mallory_ = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256).value();
};

TEST_F(AttestationE2eTest, SlsaProvenanceExampleAdmitsOnlyVerifiedProvenanceFromTheBuilder) {
  PushSigned("shop/built");
  Attest("shop/built", kSlsa1, Provenance1(kBuilder), release_);
  PushSigned("shop/built-v02");
  Attest("shop/built-v02", kSlsa02, {{"builder", {{"id", kBuilder}}}}, release_, /*bundle=*/true);
  PushSigned("shop/other-builder");
  Attest("shop/other-builder", kSlsa1, Provenance1("https://laptop.example.com"), release_);
  PushSigned("shop/no-provenance");
  PushSigned("shop/foreign-key");
  Attest("shop/foreign-key", kSlsa1, Provenance1(kBuilder), mallory_);
  const std::string tampered = PushSigned("shop/tampered");
  cosign::DsseEnvelope forged = Envelope(tampered, kSlsa1, Provenance1("https://evil.example"));
  forged.payload.replace(forged.payload.find("https://evil.example"), 20, "https://ci.example.co");
  PublishEnvelope("shop/tampered", tampered, forged, kSlsa1);
  const std::string copied = PushSigned("shop/copied");
  const std::string built = PushSigned("shop/donor");
  PublishEnvelope("shop/copied", copied, Envelope(built, kSlsa1, Provenance1(kBuilder)), kSlsa1);
  const std::string wrong_type = PushSigned("shop/wrong-type");
  cosign::DsseEnvelope typed = Envelope(wrong_type, kSlsa1, Provenance1(kBuilder));
  typed.payload_type = "application/json";
  auto sig = release_.Sign(cosign::DssePae(typed.payload_type, typed.payload),
                           cosign::CosignScheme(release_.type()));
  ASSERT_THAT(sig, IsOk());
  typed.signatures = {*sig};
  PublishEnvelope("shop/wrong-type", wrong_type, typed, kSlsa1);
  const std::string bare = PushSigned("shop/not-pae");
  cosign::DsseEnvelope over_payload = Envelope(bare, kSlsa1, Provenance1(kBuilder));
  auto bare_sig = release_.Sign(over_payload.payload, cosign::CosignScheme(release_.type()));
  ASSERT_THAT(bare_sig, IsOk());
  over_payload.signatures = {*bare_sig};
  PublishEnvelope("shop/not-pae", bare, over_payload, kSlsa1);

  RunExample("slsa-provenance",
             {{"v1 provenance from the builder (.att)", "shop/built", true, ""},
              {"v0.2 provenance from the builder (bundle)", "shop/built-v02", true, ""},
              {"provenance from another builder", "shop/other-builder", false,
               "built by https://laptop.example.com, not " + std::string(kBuilder)},
              {"no provenance", "shop/no-provenance", false, "no verified SLSA provenance"},
              {"provenance signed by another key", "shop/foreign-key", false,
               "no verified SLSA provenance (ignored: sha256-"},
              {"tampered provenance", "shop/tampered", false, "does not verify"},
              {"provenance of another image", "shop/copied", false, "statement is about " + built},
              {"another payloadType", "shop/wrong-type", false, "payloadType"},
              {"signature over the bare payload", "shop/not-pae", false, "does not verify"}});
}

TEST_F(AttestationE2eTest, SbomExampleDeniesBannedPackagesAndMissingSboms) {
  PushSigned("app/clean");
  Attest("app/clean", "https://spdx.dev/Document", Spdx({"openssl", "zlib"}), release_);
  PushSigned("app/log4j");
  Attest("app/log4j", "https://spdx.dev/Document", Spdx({"openssl"}), release_);
  Attest("app/log4j", "https://cyclonedx.org/bom",
         {{"bomFormat", "CycloneDX"}, {"components", {{{"name", "log4j-core"}}}}}, release_,
         /*bundle=*/true);
  PushSigned("app/no-sbom");
  PushSigned("app/foreign-sbom");
  Attest("app/foreign-sbom", "https://spdx.dev/Document", Spdx({"zlib"}), mallory_);

  RunExample("sbom-deny-packages", {{"an SBOM without banned packages", "app/clean", true, ""},
                                    {"a CycloneDX SBOM listing log4j-core", "app/log4j", false,
                                     "its SBOM lists the banned package log4j-core"},
                                    {"no SBOM", "app/no-sbom", false, "no verified SBOM"},
                                    {"an SBOM signed by another key", "app/foreign-sbom", false,
                                     "no verified SBOM (ignored: "}});
}

}  // namespace
}  // namespace connaisseur::testing
