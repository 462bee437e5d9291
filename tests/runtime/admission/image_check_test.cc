// DecideImages (runtime/admission/image_check.h): the one per-image decision `check`, `test`,
// `review` and `serve` share, on in-memory collaborators (a first-match policy, a table
// verifier): every step's verdict, reason, rule, digest and pin, the order of results, skips,
// and the deadline.
#include "runtime/admission/image_check.h"

#include <gtest/gtest.h>

#include "tests/runtime/admission/admission_fixtures.h"

namespace connaisseur::admission {
namespace {

using testing::Digest;
using testing::MakeRule;

class CountingPolicy final : public PolicyRunner {
 public:
  explicit CountingPolicy(std::vector<config::Rule> rules) : inner_(std::move(rules)) {}
  StatusOr<config::Rule> Select(const image::ImageReference& image,
                                const policy::PolicyRequest& request, Deadline d) override {
    ++selects;
    return inner_.Select(image, request, d);
  }
  StatusOr<policy::AdmitDecision> Admit(const policy::PolicyRequest& request,
                                        std::span<const policy::ImageResult> results,
                                        Deadline d) override {
    return inner_.Admit(request, results, d);
  }
  int selects = 0;

 private:
  testing::FirstMatchPolicy inner_;
};

class DecideImagesTest : public ::testing::Test {
 protected:
  DecideImagesTest()
      : config_(testing::MakeConfig()),
        policy_({MakeRule("docker.io/library/static-ok*", "allow"),
                 MakeRule("docker.io/library/static-no*", "deny"),
                 MakeRule("docker.io/library/validate-only*", "notary",
                          config::RuleMode::kInsecureValidateOnly),
                 MakeRule("docker.io/library/*", "notary")}) {
    verifier_.digests = {{"docker.io/library/nginx", Digest('a')},
                         {"docker.io/library/validate-only", Digest('c')}};
  }

  std::vector<ImageCheck> Decide(const std::vector<std::string>& images,
                                 const SkipPolicy& skips = {},
                                 Deadline deadline = Deadline::Infinite()) {
    ImageCheckContext ctx{&config_, &verifier_, nullptr, nullptr, &logger_};
    return DecideImages(images, request_, {}, skips, policy_, ctx, deadline);
  }

  ImageCheck DecideOne(const std::string& image, const SkipPolicy& skips = {}) {
    std::vector<ImageCheck> checks = Decide({image}, skips);
    EXPECT_EQ(checks.size(), 1u) << image;
    return checks.empty() ? ImageCheck() : checks.front();
  }

  config::Config config_;
  CountingPolicy policy_;
  testing::TableVerifier verifier_;
  log::NullLogger logger_;
  policy::PolicyRequest request_;
};

TEST(ImageCheckTest, ADefaultBuiltCheckDenies) {
  ImageCheck check;
  EXPECT_FALSE(check.result.allowed);
  EXPECT_TRUE(check.pinned.empty());
}

TEST_F(DecideImagesTest, AnUnparsableReferenceDeniesWithoutCallingPolicyOrValidator) {
  const ImageCheck c = DecideOne("Not A Reference");
  EXPECT_FALSE(c.result.allowed);
  EXPECT_NE(c.result.reason.find("Not A Reference"), std::string::npos) << c.result.reason;
  EXPECT_TRUE(c.normalized.empty());
  EXPECT_FALSE(c.result.rule.has_value());
  EXPECT_FALSE(c.timed_out);
  EXPECT_EQ(policy_.selects, 0);
  EXPECT_EQ(verifier_.calls, 0);
}

TEST_F(DecideImagesTest, AVerifiedImagesAttestationsReachItsResult) {
  const verification::Attestation provenance{"https://slsa.dev/provenance/v1", "{}", "release",
                                             "sha256-aa.att layer 0"};
  verifier_.attestations = {{"docker.io/library/nginx", {provenance}}};
  ImageCheck check = DecideOne("nginx:1");
  ASSERT_TRUE(check.result.allowed) << check.result.reason;
  EXPECT_EQ(check.result.attestations, std::vector<verification::Attestation>{provenance});
  EXPECT_EQ(check.result.attestation_errors, std::vector<std::string>{"layer 1: not signed"});
  // A failed verification carries none.
  ImageCheck unverified = DecideOne("unsigned:1");
  EXPECT_FALSE(unverified.result.allowed);
  EXPECT_TRUE(unverified.result.attestations.empty());
}

// A child approved without a verification carries what its parent's verification found, so a
// policy that denies on an attestation in admit denies the child too.
TEST_F(DecideImagesTest, AChildApprovalCarriesItsParentsAttestations) {
  const verification::Attestation scan{"https://cosign.sigstore.dev/attestation/vuln/v1",
                                       R"({"critical":1})", "release", "sha256-aa.att layer 0"};
  verifier_.attestations = {{"docker.io/library/nginx", {scan}}};
  VerifiedDigests verified({});
  ImageCheckContext ctx{&config_, &verifier_, &verified, nullptr, &logger_};
  const std::vector<std::string> parent = {"nginx:1"};
  ASSERT_TRUE(DecideImages(parent, request_, {}, {}, policy_, ctx, Deadline::Infinite())
                  .front()
                  .result.allowed);
  const int calls = verifier_.calls;
  SkipPolicy skips;
  skips.child_approval = true;
  const std::vector<std::string> child = {"docker.io/library/nginx:1@" + Digest('a')};
  ImageCheck check =
      DecideImages(child, request_, {}, skips, policy_, ctx, Deadline::Infinite()).front();
  EXPECT_EQ(verifier_.calls, calls) << "approved as a child, without a verification";
  EXPECT_EQ(check.result.reason, kSkipChild);
  EXPECT_EQ(check.result.attestations, std::vector<verification::Attestation>{scan});
  EXPECT_EQ(check.result.attestation_errors, std::vector<std::string>{"layer 1: not signed"});
}

TEST_F(DecideImagesTest, NoMatchingRuleDeniesWithThePolicysReason) {
  const ImageCheck c = DecideOne("quay.io/x/y:1");
  EXPECT_FALSE(c.result.allowed);
  EXPECT_EQ(c.result.reason, "no matching rule found for image \"quay.io/x/y:1\"");
  EXPECT_EQ(c.normalized, "quay.io/x/y:1");
  EXPECT_FALSE(c.result.rule.has_value());
  EXPECT_EQ(verifier_.calls, 0);
}

TEST_F(DecideImagesTest, AStaticAllowOfATagKeepsTheReferenceAsWritten) {
  const ImageCheck c = DecideOne("static-ok:1");
  EXPECT_TRUE(c.result.allowed);
  EXPECT_EQ(c.result.reason,
            "static allow for image static-ok:1 using rule docker.io/library/static-ok*");
  EXPECT_EQ(c.result.digest, "");
  EXPECT_EQ(c.pinned, "");
  EXPECT_EQ(c.validator_type, config::ValidatorType::kStatic);
}

TEST_F(DecideImagesTest, AStaticAllowOfADigestReportsTheDigestWithTheSameReason) {
  const std::string image = "static-ok@" + Digest('e');
  const ImageCheck c = DecideOne(image);
  EXPECT_TRUE(c.result.allowed);
  EXPECT_EQ(c.result.reason,
            "static allow for image " + image + " using rule docker.io/library/static-ok*");
  EXPECT_EQ(c.result.digest, Digest('e'));
  EXPECT_EQ(c.pinned, "");
}

TEST_F(DecideImagesTest, AStaticDenyDeniesWithTheValidatorsReason) {
  const ImageCheck c = DecideOne("static-no:1");
  EXPECT_FALSE(c.result.allowed);
  EXPECT_EQ(c.result.reason,
            "static deny for image static-no:1 using rule docker.io/library/static-no*");
  ASSERT_TRUE(c.result.rule.has_value());
  EXPECT_EQ(c.result.rule->validator, "deny");
}

TEST_F(DecideImagesTest, AVerifiedTagIsPinnedToTheVerifiedDigest) {
  const ImageCheck c = DecideOne("nginx:1.25");
  EXPECT_TRUE(c.result.allowed);
  EXPECT_EQ(c.result.digest, Digest('a'));
  EXPECT_EQ(c.pinned, "docker.io/library/nginx:1.25@" + Digest('a'));
  EXPECT_EQ(c.result.reason,
            "successfully validated image nginx:1.25 using rule docker.io/library/* and validator "
            "notary. Result is docker.io/library/nginx:1.25@" +
                Digest('a') + ".");
}

TEST_F(DecideImagesTest, AMatchingPinnedDigestIsAllowedWithoutAPatch) {
  const ImageCheck c = DecideOne("nginx@" + Digest('a'));
  EXPECT_TRUE(c.result.allowed) << c.result.reason;
  EXPECT_EQ(c.result.digest, Digest('a'));
  EXPECT_EQ(c.pinned, "");
}

TEST_F(DecideImagesTest, AMismatchingPinnedDigestDenies) {
  const ImageCheck c = DecideOne("nginx@" + Digest('f'));
  EXPECT_FALSE(c.result.allowed);
  EXPECT_NE(c.result.reason.find("differs from the one pinned"), std::string::npos)
      << c.result.reason;
  EXPECT_EQ(c.pinned, "");
}

TEST_F(DecideImagesTest, AValidatorFailureDeniesWithItsReason) {
  const ImageCheck c = DecideOne("redis:7");
  EXPECT_FALSE(c.result.allowed);
  EXPECT_EQ(c.result.reason, "error during notaryv1 validation of image redis:7: no trust data");
  EXPECT_FALSE(c.timed_out);
}

TEST_F(DecideImagesTest, ValidateOnlyRulesAreVerifiedButNeverPinned) {
  const ImageCheck c = DecideOne("validate-only:1");
  EXPECT_TRUE(c.result.allowed);
  EXPECT_EQ(c.result.digest, Digest('c'));
  EXPECT_EQ(c.pinned, "");
}

TEST_F(DecideImagesTest, ResultsFollowTheInputOrderOneCheckPerImage) {
  const std::vector<std::string> images = {"redis:7", "nginx:1", "static-ok:1", "bad ref"};
  std::vector<ImageCheck> checks = Decide(images);
  ASSERT_EQ(checks.size(), images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    EXPECT_EQ(checks[i].result.image, images[i]) << i;
    EXPECT_FALSE(checks[i].pending.has_value()) << i;
  }
  EXPECT_FALSE(checks[0].result.allowed);
  EXPECT_TRUE(checks[1].result.allowed);
  EXPECT_TRUE(checks[2].result.allowed);
  EXPECT_FALSE(checks[3].result.allowed);
}

TEST_F(DecideImagesTest, UnchangedImagesSkipTheValidatorButStaticOnesDoNot) {
  SkipPolicy skips;
  skips.unchanged = {"docker.io/library/redis:7", "docker.io/library/static-no:1"};
  std::vector<ImageCheck> checks = Decide({"redis:7", "static-no:1"}, skips);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(checks[0].result.allowed);
  EXPECT_EQ(checks[0].result.reason, kSkipUnchanged);
  EXPECT_FALSE(checks[1].result.allowed) << "a static deny is never skipped";
  EXPECT_EQ(verifier_.calls, 1);
}

TEST_F(DecideImagesTest, PastTheDeadlineNothingStartsAndEveryImageTimesOut) {
  std::vector<ImageCheck> checks =
      Decide({"nginx:1", "static-ok:1"}, {}, Deadline::In(std::chrono::milliseconds(-1)));
  ASSERT_EQ(checks.size(), 2u);
  for (const ImageCheck& c : checks) {
    EXPECT_TRUE(c.timed_out) << c.result.image;
    EXPECT_FALSE(c.result.allowed) << c.result.image;
    EXPECT_NE(c.result.reason.find(c.result.image), std::string::npos) << c.result.reason;
  }
  EXPECT_EQ(policy_.selects, 0);
  EXPECT_EQ(verifier_.calls, 0);
}

}  // namespace
}  // namespace connaisseur::admission
