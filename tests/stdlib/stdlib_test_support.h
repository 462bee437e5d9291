// StdlibTest: runs a snippet as `select` in a real Policy with every standard module, for the
// tests of each stdlib/ module (one file per module, named after it).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "runtime/verification/image_verifier.h"
#include "stdlib/stdlib.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::stdlib::testing {

// Verifies nothing over the network: allows images whose tag is "signed", with a fixed digest;
// "attested" images also carry one verified attestation and one dropped (as a cosign rule with
// `attestations` would).
class TagVerifier final : public verification::ImageVerifier {
 public:
  StatusOr<verification::VerifiedImage> Verify(const config::Rule& rule,
                                               const image::ImageReference& image,
                                               const verification::PullContext&,
                                               Deadline) override {
    calls++;
    if (image.tag() == "signed") {
      return verification::VerifiedImage{"sha256:" + std::string(64, 'a'), rule.validator};
    }
    if (image.tag() == "attested") {
      verification::VerifiedImage verified{"sha256:" + std::string(64, 'a'), rule.validator};
      verified.attestations.push_back(
          {"https://slsa.dev/provenance/v1",
           R"({"runDetails":{"builder":{"id":"https://ci.example/b"}},"n":[1,2]})", "default",
           "sha256-aa.att layer 0"});
      verified.attestation_errors.push_back("sha256-aa.att layer 1: signature does not verify");
      return verified;
    }
    return VerificationFailedError("no signature for " + image.normalized());
  }
  int calls = 0;
};

// Two rules: "*:*" → validator "default", "docker.io/library/*:*" → "other" (both static).
class StdlibTest : public ::testing::Test {
 protected:
  StdlibTest() : config_(policy::testing::SmallConfig()) {
    config_.sandbox.instruction_limit = 2'000'000;
    config_.sandbox.memory_limit_bytes = 32u << 20;
    AddRule("*:*", "default");
    AddRule("docker.io/library/*:*", "other");
    index_ = std::move(matching::RuleIndex::Build(config_.policy, false)).value();
  }

  void AddRule(const std::string& pattern, const std::string& validator) {
    config::Rule r;
    r.pattern = pattern;
    r.validator = validator;
    r.index = config_.policy.size();
    config_.policy.push_back(r);
  }

  // Runs `body` as select(image, request) and returns its `nil, reason` answer: the reason.
  StatusOr<std::string> Eval(const std::string& body, const std::string& image = "nginx") {
    policy::PolicyOptions options;
    options.source = "return { select = function(image, request)\n" + body + "\nend }";
    options.chunk_name = "stdlib_test.lua";
    options.config = &config_;
    options.rules = index_.get();
    options.verifier = &verifier_;
    options.logger = &logger_;
    options.modules = StandardModules();
    CN_ASSIGN_OR_RETURN(auto policy, policy::Policy::Create(options));
    auto rule = policy->Select(policy::testing::Image(image), policy::PolicyRequest(),
                               Deadline::In(std::chrono::seconds(5)));
    if (rule.status().code() == StatusCode::kNotFound) return rule.status().message();
    if (!rule.ok()) return rule.status();
    return InternalError("select returned a rule");
  }

  // Eval's reason, or the error it failed with (so that a failing expectation shows it).
  std::string Reason(const std::string& body) {
    auto reason = Eval(body);
    return reason.ok() ? *reason : "error: " + reason.status().ToString();
  }

  config::Config config_;
  std::unique_ptr<matching::RuleIndex> index_;
  TagVerifier verifier_;
  policy::testing::RecordingLogger logger_;
};

}  // namespace connaisseur::stdlib::testing
