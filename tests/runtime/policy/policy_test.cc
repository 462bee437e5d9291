// runtime/policy: request views that are read lazily and die with their call; admit's decision
// checked field by field.
#include "runtime/policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::policy {
namespace {

using ::testing::HasSubstr;
using testing::MakePolicy;
using testing::Reason;

TEST(PolicyTest, RequestFieldsAreReadLazilyAndDieWithTheirCall) {
  const nlohmann::json admission = {
      {"userInfo", {{"username", "alice"}, {"groups", {"dev", "ops"}}}},
      {"object", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"replicas", 3}}}}}};
  PolicyRequest request;
  request.namespace_name = "payments";
  request.kind = "Deployment";
  request.admission_request = &admission;
  auto policy = MakePolicy(
      "local saved\n"
      "return { select = function(image, request)\n"
      "  if saved then return nil, tostring(pcall(function() return saved.kind end)) end\n"
      "  saved = request\n"
      "  local groups = {}\n"
      "  for i, g in ipairs(request.user.groups) do groups[i] = g end\n"
      "  return nil, table.concat({request.kind, request.namespace, request.user.username,\n"
      "    table.concat(groups, '+'), request.labels.app, request.object.spec.replicas,\n"
      "    #request.user.groups, tostring(request.dry_run)}, ' ')\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "Deployment payments alice dev+ops web 3 2 false");
  EXPECT_EQ(Reason(*policy, request), "false");  // the saved request is dead
}

TEST(PolicyTest, AdmitDecidesAndIsCheckedFieldByField) {
  const ImageResult results[] = {{"nginx", std::nullopt, true, "", "ok"},
                                 {"redis", std::nullopt, false, "", "unsigned"}};
  struct Case {
    const char* admit;
    bool ok;
    bool allowed;
    const char* message;
  };
  const Case cases[] = {
      {"function(req, res) return {allowed = true, message = #res .. res[2].reason} end", true,
       true, "2unsigned"},
      {"function(req, res) return {allowed = false, warnings = {'w1'}} end", true, false, ""},
      {"function() return {allowed = 'yes'} end", false, false, "'allowed' must be a boolean"},
      {"function() return {allowed = true, warnings = {1}} end", false, false, "warnings"},
      {"function() return 5 end", false, false, "malformed decision"},
      {"function(req, res) res[1].allowed = true end", false, false, "read-only"},
  };
  for (const Case& c : cases) {
    auto policy =
        MakePolicy(std::string("return { select = function() end, admit = ") + c.admit + " }");
    ASSERT_NE(policy, nullptr);
    auto d = policy->Admit(PolicyRequest(), results, Deadline::Infinite());
    if (c.ok) {
      ASSERT_THAT(d, IsOk()) << c.admit;
      EXPECT_EQ(d->allowed, c.allowed) << c.admit;
      EXPECT_EQ(d->message, c.message) << c.admit;
    } else {
      EXPECT_THAT(d, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.admit;
    }
  }
  auto no_admit = MakePolicy("return { select = function() end }");
  auto d = no_admit->Admit(PolicyRequest(), results, Deadline::Infinite());
  ASSERT_THAT(d, IsOk());
  EXPECT_FALSE(d->allowed);
  EXPECT_EQ(d->message, "unsigned");
}

// admit's results[i].image is the image view select gets (fields, read-only); its text is the
// reference as written, as the string it replaced was, while select's image keeps the normalised
// text. A reference that does not parse stays a string.
TEST(PolicyTest, AdmitResultsCarryTheImageViewSelectGets) {
  const ImageResult results[] = {{"nginx", std::nullopt, true, "", "ok"},
                                 {"Invalid,Image", std::nullopt, false, "", "bad"}};
  auto policy = MakePolicy(
      "return {\n"
      "  select = function(image) return nil, tostring(image) .. ' ' .. image end,\n"
      "  admit = function(req, res)\n"
      "    local i = res[1].image\n"
      "    local wrote = pcall(function() i.tag = 'x' end)\n"
      "    local joined_table = pcall(function() return i .. {} end)\n"
      "    return {allowed = true, message = table.concat({i.normalized, i.registry,\n"
      "      i.repository, tostring(i), '[' .. i .. ']', i.raw, tostring(wrote),\n"
      "      tostring(joined_table), tostring(res[2].image), tostring(res[2].image.normalized)},\n"
      "      ' ')}\n"
      "  end }");
  ASSERT_NE(policy, nullptr);
  auto d = policy->Admit(PolicyRequest(), results, Deadline::Infinite());
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(
      d->message,
      "docker.io/library/nginx:latest docker.io library/nginx nginx [nginx] nginx false false "
      "Invalid,Image nil");
  EXPECT_EQ(Reason(*policy), "docker.io/library/nginx:latest docker.io/library/nginx:latest");
}

// admit sees the verified attestations of each image, read-only, without verifying again.
TEST(PolicyTest, AdmitResultsCarryTheVerifiedAttestations) {
  ImageResult signed_image{"nginx", std::nullopt, true, "sha256:" + std::string(64, 'a'), "ok"};
  signed_image.attestations = {{"https://slsa.dev/provenance/v1",
                                R"({"runDetails":{"builder":{"id":"https://ci.example/b"}}})",
                                "release", "sha256-aa.att layer 0"}};
  signed_image.attestation_errors = {"sha256-aa.att layer 1: DSSE signature does not verify"};
  const ImageResult results[] = {signed_image, {"redis", std::nullopt, true, "", "ok"}};
  auto policy = MakePolicy(
      "return { select = function() end, admit = function(req, res)\n"
      "  local a = res[1].attestations[1]\n"
      "  local wrote = pcall(function() a.predicate.runDetails.builder.id = 'x' end)\n"
      "  local added = pcall(function() table.insert(res[1].attestations, a) end)\n"
      "  return {allowed = true, message = table.concat({a.predicate_type,\n"
      "    a.predicate.runDetails.builder.id, a.signed_by, a.source,\n"
      "    res[1].attestation_errors[1], #res[2].attestations, #res[2].attestation_errors,\n"
      "    tostring(wrote), tostring(added)}, ' ')}\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  auto d = policy->Admit(PolicyRequest(), results, Deadline::Infinite());
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->message,
            "https://slsa.dev/provenance/v1 https://ci.example/b release sha256-aa.att layer 0 "
            "sha256-aa.att layer 1: DSSE signature does not verify 0 0 false false");
}

}  // namespace
}  // namespace connaisseur::policy
