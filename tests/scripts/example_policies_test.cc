// examples/policies/*.lua load in the sandbox and decide as their comments say.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "runtime/verification/image_verifier.h"
#include "stdlib/stdlib.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/source_dirs.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur {
namespace {

using ::testing::HasSubstr;

// Allows images tagged "signed"; everything else fails verification.
class TagVerifier final : public verification::ImageVerifier {
 public:
  StatusOr<verification::VerifiedImage> Verify(const config::Rule&,
                                               const image::ImageReference& image,
                                               const verification::PullContext&,
                                               Deadline) override {
    if (image.tag() == "signed") return verification::VerifiedImage{"", "tag"};
    return VerificationFailedError("unsigned");
  }
};

class ExamplePolicyTest : public ::testing::Test {
 protected:
  ExamplePolicyTest() : config_(policy::testing::SmallConfig()) {
    config_.sandbox.instruction_limit = 1'000'000;
    for (const char* name : {"cosign-prod", "cosign-audit"}) {
      config::ValidatorConfig v;
      v.name = name;
      config_.validators.push_back(v);
    }
    config::Rule r;
    r.pattern = "*:*";
    r.validator = "default";
    config_.policy.push_back(r);
    index_ = std::move(matching::RuleIndex::Build(config_.policy, false)).value();
  }

  std::unique_ptr<policy::Policy> Load(const std::string& file) {
    std::ifstream in(std::string(::connaisseur::testing::SourceDir()) + "/examples/policies/" +
                     file);
    std::stringstream text;
    text << in.rdbuf();
    policy::PolicyOptions options;
    options.source = text.str();
    options.chunk_name = file;
    options.config = &config_;
    options.rules = index_.get();
    options.verifier = &verifier_;
    options.logger = &logger_;
    options.modules = stdlib::StandardModules();
    auto policy = policy::Policy::Create(options);
    EXPECT_THAT(policy, IsOk()) << file;
    return policy.ok() ? std::move(policy).value() : nullptr;
  }

  StatusOr<config::Rule> Select(policy::Policy& p, const std::string& image, const std::string& ns,
                                const nlohmann::json* ns_labels = nullptr) {
    policy::PolicyRequest request;
    request.namespace_name = ns;
    if (ns_labels != nullptr) request.namespace_labels = policy::FixedNamespaceLabels(*ns_labels);
    return p.Select(policy::testing::Image(image), request, Deadline::Infinite());
  }

  config::Config config_;
  std::unique_ptr<matching::RuleIndex> index_;
  TagVerifier verifier_;
  policy::testing::RecordingLogger logger_;
};

TEST_F(ExamplePolicyTest, ProductionNamespacesRequireTheRegistry) {
  auto p = Load("production_namespaces.lua");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(Select(*p, "nginx", "payments"),
              StatusIs(StatusCode::kNotFound, HasSubstr("registry.example.com")));
  auto prod = Select(*p, "registry.example.com/pay/api:1", "payments");
  ASSERT_THAT(prod, IsOk());
  EXPECT_EQ(prod->validator, "cosign-prod");
  EXPECT_EQ(prod->with.threshold, 2);
  auto dev = Select(*p, "nginx", "dev");
  ASSERT_THAT(dev, IsOk());
  EXPECT_EQ(dev->pattern, "*:*");
}

TEST_F(ExamplePolicyTest, PinnedDigestsAppliesOnlyToLabelledNamespaces) {
  auto p = Load("pinned_digests.lua");
  ASSERT_NE(p, nullptr);
  const nlohmann::json pinned = {{"connaisseur/pin-digests", "true"}};
  EXPECT_THAT(Select(*p, "nginx:1", "shop", &pinned),
              StatusIs(StatusCode::kNotFound, HasSubstr("requires a digest")));
  EXPECT_THAT(Select(*p, "nginx@sha256:" + std::string(64, 'a'), "shop", &pinned), IsOk());
  const nlohmann::json unlabelled = nlohmann::json::object();
  EXPECT_THAT(Select(*p, "nginx:1", "dev", &unlabelled), IsOk());
  // Labels that cannot be had deny, naming the namespace.
  EXPECT_THAT(
      Select(*p, "nginx:1", "dev"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("namespace labels of dev unavailable")));
}

TEST_F(ExamplePolicyTest, TwoValidatorsAsksTheAuditValidatorForPaymentsImages) {
  auto p = Load("two_validators.lua");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(Select(*p, "docker.io/payments/api:1", "dev"),
              StatusIs(StatusCode::kNotFound, HasSubstr("audit signature missing")));
  EXPECT_THAT(Select(*p, "docker.io/payments/api:signed", "dev"), IsOk());
  EXPECT_THAT(Select(*p, "docker.io/other/api:1", "dev"), IsOk());
}

}  // namespace
}  // namespace connaisseur
