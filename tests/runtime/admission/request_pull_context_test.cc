// DecideRequest hands every validator call the pull identity of the object under review (its
// namespace, service account and imagePullSecrets), which cosign's auth.useKeychain reads.
#include <gtest/gtest.h>

#include "runtime/admission/request_decision.h"
#include "runtime/log/logger.h"
#include "tests/runtime/admission/admission_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using nlohmann::json;
using verification::PullContext;

class RequestPullContextTest : public ::testing::Test {
 protected:
  RequestPullContextTest()
      : config_(testing::MakeConfig()),
        policy_({testing::MakeRule("docker.io/library/*", "notary")}) {
    verifier_.digests = {{"docker.io/library/nginx", testing::Digest('a')}};
  }

  Decision Decide(const json& review) {
    auto parsed = ParseAdmissionReview(review.dump());
    EXPECT_THAT(parsed, IsOk());
    ImageCheckContext ctx{&config_, &verifier_, nullptr, nullptr, &logger_};
    return DecideRequest(*parsed, policy_, ctx, Deadline::Infinite());
  }

  config::Config config_;
  testing::FirstMatchPolicy policy_;
  testing::TableVerifier verifier_;
  log::NullLogger logger_;
};

TEST_F(RequestPullContextTest, ValidatorsSeeThePodsNamespaceServiceAccountAndPullSecrets) {
  json review = testing::PodReview({"nginx:1"});
  review["request"]["namespace"] = "payments";
  json& spec = review["request"]["object"]["spec"];
  spec["serviceAccountName"] = "deployer";
  spec["imagePullSecrets"] = {{{"name", "registry-a"}}, {{"name", "registry-b"}}};
  Decision d = Decide(review);
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_.LastPull(),
            (PullContext{"payments", "deployer", {"registry-a", "registry-b"}}));
}

TEST_F(RequestPullContextTest, TemplatesOfOtherKindsCarryTheirPodSpecsIdentity) {
  json review = testing::PodReview({"nginx:1"});
  json pod_spec = review["request"]["object"]["spec"];
  pod_spec["imagePullSecrets"] = {{{"name", "from-template"}}};
  review["request"]["kind"]["kind"] = "Deployment";
  review["request"]["object"] = {{"kind", "Deployment"},
                                 {"metadata", {{"name", "d"}}},
                                 {"spec", {{"template", {{"spec", pod_spec}}}}}};
  Decision d = Decide(review);
  EXPECT_TRUE(d.outcome.allowed) << d.outcome.message;
  EXPECT_EQ(verifier_.LastPull(), (PullContext{"default", "", {"from-template"}}));
}

TEST_F(RequestPullContextTest, MistypedPullSecretsDenyAsUndecodable) {
  json review = testing::PodReview({"nginx:1"});
  review["request"]["object"]["spec"]["imagePullSecrets"] = "registry-a";
  Decision d = Decide(review);
  EXPECT_FALSE(d.outcome.allowed);
  EXPECT_EQ(d.kind, Decision::Kind::kInvalid);
  EXPECT_NE(d.outcome.message.find("imagePullSecrets is not an array"), std::string::npos)
      << d.outcome.message;
  EXPECT_EQ(verifier_.calls, 0);
}

}  // namespace
}  // namespace connaisseur::admission
