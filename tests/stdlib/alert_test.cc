// stdlib/alert.cc: connaisseur.alert records messages for the request in admit, and only there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/policy/policy.h"
#include "stdlib/stdlib.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::stdlib {
namespace {

using policy::testing::Image;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AlertTest : public ::testing::Test {
 protected:
  std::unique_ptr<policy::Policy> Load(const std::string& source) {
    policy::PolicyOptions options;
    options.source = source;
    options.chunk_name = "alert_test.lua";
    options.config = &config_;
    options.modules = StandardModules();
    auto policy = policy::Policy::Create(options);
    EXPECT_THAT(policy, IsOk());
    return policy.ok() ? std::move(policy).value() : nullptr;
  }
  StatusOr<policy::AdmitDecision> Admit(policy::Policy& p) {
    policy::ImageResult result;
    result.image = "nginx";
    result.reason = "no signature";
    return p.Admit(policy::PolicyRequest(), std::span(&result, 1), Deadline::Infinite());
  }
  config::Config config_ = policy::testing::SmallConfig();
};

TEST_F(AlertTest, AdmitRecordsEveryAlertInOrderBesideItsVerdict) {
  auto p = Load(R"(return {
    select = function() end,
    admit = function(request, results)
      connaisseur.alert("first: " .. results[1].image)
      connaisseur.alert("second")
      return { allowed = true, warnings = { "admitted anyway" } }
    end })");
  ASSERT_NE(p, nullptr);
  auto d = Admit(*p);
  ASSERT_THAT(d, IsOk());
  EXPECT_TRUE(d->allowed);
  EXPECT_THAT(d->alerts, ElementsAre("first: nginx", "second"));
  auto again = Admit(*p);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->alerts.size(), 2u) << "alerts of one call never carry into the next";
}

TEST_F(AlertTest, AnAdmitWithoutAlertsHasNone) {
  auto p =
      Load("return { select = function() end, admit = function() return {allowed=false} end }");
  ASSERT_NE(p, nullptr);
  auto d = Admit(*p);
  ASSERT_THAT(d, IsOk());
  EXPECT_TRUE(d->alerts.empty());
}

TEST_F(AlertTest, SelectAndTheTopLevelCannotAlert) {
  auto p = Load(R"(return {
    select = function() connaisseur.alert("from select") end,
    admit = function() return { allowed = true } end })");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->Select(Image("nginx"), policy::PolicyRequest(), Deadline::Infinite()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("only admit may raise alerts")));
  policy::PolicyOptions options;
  options.source = "connaisseur.alert('at load') return { select = function() end }";
  options.config = &config_;
  options.modules = StandardModules();
  EXPECT_THAT(policy::Policy::Create(options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("only admit may raise alerts")));
}

TEST_F(AlertTest, LongMessagesAreCutAndFloodsRaise) {
  auto p = Load(R"(return {
    select = function() end,
    admit = function(request, results)
      connaisseur.alert(("x"):rep(5000))
      return { allowed = true }
    end })");
  ASSERT_NE(p, nullptr);
  auto d = Admit(*p);
  ASSERT_THAT(d, IsOk());
  ASSERT_EQ(d->alerts.size(), 1u);
  EXPECT_EQ(d->alerts[0].size(), sandbox::NativeContext::kMaxAlertBytes);

  auto flood = Load(R"(return {
    select = function() end,
    admit = function() for i = 1, 11 do connaisseur.alert("a" .. i) end return {allowed=true} end })");
  ASSERT_NE(flood, nullptr);
  EXPECT_THAT(Admit(*flood),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("more than 10 alerts")));
  auto bad = Load(R"(return {
    select = function() end,
    admit = function() connaisseur.alert({}) return {allowed=true} end })");
  ASSERT_NE(bad, nullptr);
  EXPECT_THAT(Admit(*bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad argument #1")));
}

}  // namespace
}  // namespace connaisseur::stdlib
