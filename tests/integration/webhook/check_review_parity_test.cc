// `connaisseur check` predicts the webhook: the same images under the same values run through
// `check --output jsonl` and through `review` of a Pod holding only that image (its
// `--log-level debug` line "image decided") give the same verdict, rule, validator, digest and
// reason, field for field. Covers static allow and deny, notaryv1 against the real notary-server,
// cosign against the real docker-registry, errors (an unparsable reference, a notary host that
// refuses connections), detection mode, and digests pinned in the reference (matching and not).
// Each case also states the verdict and a reason fragment it must have, so the two commands
// cannot agree on a wrong answer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/private_key.h"
#include "runtime/registry/registry_client.h"
#include "tests/cli/binary_runner.h"
#include "tests/integration/notary/notary_server.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/registry/test_image.h"
#include "tests/integration/webhook/e2e_objects.h"
#include "tests/integration/webhook/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "validators/cosign/signer.h"

namespace connaisseur::testing {
namespace {

using cli::testing::RunConnaisseur;
using cli::testing::TempDir;
using nlohmann::json;

constexpr char kGun[] = "registry.example.com/team/app";

Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }

// Validators of every kind, each behind a rule of its own; `deny` catches the rest.
std::string Values(const std::string& notary_url, const std::string& notary_root,
                   const std::string& registry, const std::string& cosign_key,
                   const std::string& closed_url, bool detection) {
  const std::string ca = IndentLines(TestCa::Shared()->ca_cert_pem(), 8);
  return std::string("application:\n  features:\n    detectionMode: ") +
         (detection ? "true" : "false") + R"(
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
    - name: notary
      type: notaryv1
      host: )" +
         notary_url + "\n      cert: |\n" + ca + R"(      trustRoots:
        - name: default
          key: |
)" + IndentLines(notary_root, 12) +
         R"(    - name: notary-down
      type: notaryv1
      host: )" +
         closed_url + "\n      cert: |\n" + ca + R"(      trustRoots:
        - name: default
          key: |
)" + IndentLines(notary_root, 12) +
         R"(    - name: cosign
      type: cosign
      cert: |
)" + ca + R"(      trustRoots:
        - name: default
          key: |
)" + IndentLines(cosign_key, 12) +
         R"(  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "docker.io/library/*"
      validator: allow
    - pattern: "registry.example.com/*:*"
      validator: notary
    - pattern: "down.example.com/*:*"
      validator: notary-down
    - pattern: ")" +
         registry + R"(/*"
      validator: cosign
      with:
        verifyInTransparencyLog: false
  timeoutSeconds: 20
)";
}

struct Case {
  std::string name;
  std::string image;
  std::string verdict;  // what both must say
  std::string reason;   // a fragment of the reason both must give
};

// The fields both commands report for one image.
json Fields(const json& row) {
  json out = json::object();
  for (const char* key :
       {"image", "normalized", "rule", "validator", "verdict", "digest", "reason"}) {
    out[key] = row.contains(key) ? row[key] : json("<missing>");
  }
  return out;
}

class CheckReviewParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NotaryServer::Available()) GTEST_SKIP() << "notary-server / notary not installed";
    if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
    net::GlobalInit();
    ASSERT_NE(TestCa::Shared(), nullptr);
    StartNotary();
    if (HasFatalFailure()) return;
    StartRegistry();
  }

  void StartNotary() {
    auto notary = NotaryServer::Start(*TestCa::Shared());
    ASSERT_THAT(notary, IsOk());
    notary_ = std::move(notary).value();
    ASSERT_THAT(notary_->InitAndSign(kGun, "v1", "manifest one"), IsOk());
    auto root = notary_->RootPublicKeyPem(kGun);
    ASSERT_THAT(root, IsOk());
    notary_root_ = *root;
  }

  // team/signed:v1 signed by cosign_key_, team/unsigned:v1 not.
  void StartRegistry() {
    auto registry = RegistryProcess::Start(RegistryProcess::Mode::kTls);
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(registry).value();
    registry::RegistryOptions options;
    options.ca_pem = TestCa::Shared()->ca_cert_pem();
    auto client = registry::RegistryClient::Create(options);
    ASSERT_THAT(client, IsOk());
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
    ASSERT_THAT(key, IsOk());
    cosign_key_ = key->PublicPem();
    const std::string host = registry_->host();
    auto signed_digest = PushTestImage(**client, host, "team/signed", "v1", Soon());
    ASSERT_THAT(signed_digest, IsOk());
    signed_digest_ = *signed_digest;
    auto unsigned_digest = PushTestImage(**client, host, "team/unsigned", "v1", Soon());
    ASSERT_THAT(unsigned_digest, IsOk());
    unsigned_digest_ = *unsigned_digest;
    auto image = image::ImageReference::Parse(host + "/team/signed:v1");
    ASSERT_THAT(image, IsOk());
    ASSERT_THAT(cosign::SignImage(**client, *image, *key, {}, Soon()), IsOk());
  }

  std::string WriteValues(bool detection) {
    auto closed = FreeLoopbackPort();
    EXPECT_THAT(closed, IsOk());
    const std::string closed_url = "https://127.0.0.1:" + std::to_string(closed.ok() ? *closed : 1);
    return dir_.Write(detection ? "detection.yaml" : "values.yaml",
                      Values(notary_->url(), notary_root_, registry_->host(), cosign_key_,
                             closed_url, detection));
  }

  // `check --output jsonl` over every case's image: one row each, in order.
  std::vector<json> CheckRows(const std::string& values, const std::vector<Case>& cases) {
    std::vector<std::string> args = {"check", "--config", values, "--output", "jsonl"};
    for (const Case& c : cases) args.push_back(c.image);
    const auto run = RunConnaisseur(args);
    std::vector<json> rows;
    for (const std::string& line : cli::testing::Lines(run.out)) rows.push_back(json::parse(line));
    EXPECT_EQ(rows.size(), cases.size()) << run.out << run.err;
    return rows;
  }

  // `review` of a Pod holding only `image`: the "image decided" debug line, and the response.
  json ReviewRow(const std::string& values, const std::string& image, json* response) {
    const json review = Review(Workload("Pod", "p", PodSpec({image})), "uid-parity");
    const auto run =
        RunConnaisseur({"review", "--config", values, "--log-level", "debug"}, review.dump());
    EXPECT_EQ(run.exit_code, 0) << run.err;
    *response = json::parse(run.out, nullptr, false);
    for (const std::string& line : cli::testing::Lines(run.err)) {
      json entry = json::parse(line, nullptr, false);
      if (!entry.is_discarded() && entry.value("msg", "") == "image decided") return entry;
    }
    ADD_FAILURE() << "no \"image decided\" line for " << image << ":\n" << run.err;
    return json::object();
  }

  void ExpectSameAnswers(const std::string& values, const std::vector<Case>& cases) {
    const std::vector<json> rows = CheckRows(values, cases);
    for (size_t i = 0; i < cases.size() && i < rows.size(); ++i) {
      const Case& c = cases[i];
      json response;
      const json logged = ReviewRow(values, c.image, &response);
      EXPECT_EQ(Fields(rows[i]), Fields(logged)) << c.name;
      EXPECT_EQ(rows[i].value("verdict", ""), c.verdict) << c.name << ": " << rows[i];
      EXPECT_NE(rows[i].value("reason", "").find(c.reason), std::string::npos)
          << c.name << ": " << rows[i];
      ASSERT_TRUE(response.is_object() && response.contains("response")) << c.name;
      EXPECT_EQ(response["response"].value("allowed", c.verdict != "allow"), c.verdict == "allow")
          << c.name << ": " << response;
    }
  }

  TempDir dir_;
  std::unique_ptr<NotaryServer> notary_;
  std::unique_ptr<RegistryProcess> registry_;
  std::string notary_root_, cosign_key_, signed_digest_, unsigned_digest_;
};

TEST_F(CheckReviewParityTest, EveryValidatorErrorsAndPinnedDigestsGiveTheSameFields) {
  const std::string v1 = std::string(kGun) + ":v1";
  const std::string notary_digest = crypto::OciDigest("manifest one");
  const std::string reg = registry_->host();
  const std::vector<Case> cases = {
      {"static allow", "nginx:1.25", "allow", "static allow for image nginx:1.25"},
      {"static allow, pinned", "nginx@" + notary_digest, "allow", "static allow for image"},
      {"static deny", "quay.io/team/app:1", "deny", "static deny for image quay.io/team/app:1"},
      {"unparsable reference", "nginx:bad tag!", "deny", "nginx:bad tag!"},
      {"notaryv1 signed", v1, "allow", "Result is " + v1 + "@" + notary_digest},
      {"notaryv1 unsigned tag", std::string(kGun) + ":v9", "deny", "v9"},
      {"notaryv1 pinned digest", v1 + "@" + notary_digest, "allow", "successfully validated"},
      {"notaryv1 other digest pinned", v1 + "@" + crypto::OciDigest("manifest two"), "deny",
       "doesn't match given digest"},
      {"notary host unreachable", "down.example.com/team/app:v1", "deny",
       "error acquiring trust data root: GET https://127.0.0.1:"},
      {"cosign signed", reg + "/team/signed:v1", "allow",
       "Result is " + reg + "/team/signed:v1@" + signed_digest_},
      {"cosign unsigned", reg + "/team/unsigned:v1", "deny", "no signatures found"},
      {"cosign pinned digest", reg + "/team/signed@" + signed_digest_, "allow",
       "successfully validated"},
      {"cosign other digest pinned", reg + "/team/signed:v1@" + unsigned_digest_, "deny",
       "tag v1 resolves to " + signed_digest_ + ", not the pinned " + unsigned_digest_},
  };
  ExpectSameAnswers(WriteValues(/*detection=*/false), cases);
}

TEST_F(CheckReviewParityTest, DetectionModeAllowsTheSameImagesSayingSoInBoth) {
  const std::string reg = registry_->host();
  const std::vector<Case> cases = {
      {"static deny", "quay.io/team/app:1", "allow", "detection mode active: static deny"},
      {"unparsable reference", "nginx:bad tag!", "allow", "detection mode active: "},
      {"notaryv1 unsigned tag", std::string(kGun) + ":v9", "allow", "detection mode active: "},
      {"cosign unsigned", reg + "/team/unsigned:v1", "allow",
       "detection mode active: error during cosign validation"},
      {"cosign signed", reg + "/team/signed:v1", "allow", "successfully validated"},
  };
  ExpectSameAnswers(WriteValues(/*detection=*/true), cases);
}

}  // namespace
}  // namespace connaisseur::testing
