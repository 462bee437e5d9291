// runtime/policy/request_value: request.namespace_labels is fetched only when a script reads it,
// at most once per request, nil for a cluster-scoped object, and a fetch that fails raises a Lua
// error naming the namespace and the reason (pcall can catch it).
#include "runtime/policy/request_value.h"

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

// A fetch that counts its calls and answers `labels`, or `error` when it is not OK.
struct CountingFetch {
  int calls = 0;
  nlohmann::json labels = {{"env", "prod"}, {"team", "shop"}};
  Status error;
  NamespaceLabelFetch Fetch() {
    return
        [this](const std::string& ns, Deadline) -> StatusOr<std::shared_ptr<const nlohmann::json>> {
          ++calls;
          if (!error.ok()) return error;
          if (ns != "shop") return NotFoundError("asked for " + ns);
          return std::make_shared<const nlohmann::json>(labels);
        };
  }
};

PolicyRequest ShopRequest(CountingFetch& fetch) {
  PolicyRequest request;
  request.namespace_name = "shop";
  request.namespace_labels = fetch.Fetch();
  return request;
}

TEST(RequestValueTest, NamespaceLabelsAreNotFetchedUnlessRead) {
  CountingFetch fetch;
  const PolicyRequest request = ShopRequest(fetch);
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  return nil, request.namespace .. ' ' .. request.kind\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "shop Image");
  EXPECT_EQ(fetch.calls, 0);
}

TEST(RequestValueTest, NamespaceLabelsAreFetchedOncePerRequestAndReadLikeATable) {
  CountingFetch fetch;
  const PolicyRequest request = ShopRequest(fetch);
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  local keys = {}\n"
      "  for k, v in pairs(request.namespace_labels) do keys[#keys + 1] = k .. '=' .. v end\n"
      "  return nil, table.concat(keys, ',') .. ' ' .. request.namespace_labels.env ..\n"
      "    ' ' .. tostring(request.namespace_labels.absent)\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "env=prod,team=shop prod nil");
  EXPECT_EQ(Reason(*policy, request), "env=prod,team=shop prod nil");  // same request: kept
  EXPECT_EQ(fetch.calls, 1);
  const PolicyRequest next = ShopRequest(fetch);  // another request asks again
  EXPECT_EQ(Reason(*policy, next), "env=prod,team=shop prod nil");
  EXPECT_EQ(fetch.calls, 2);
}

TEST(RequestValueTest, NamespaceLabelsAreReadOnly) {
  CountingFetch fetch;
  const PolicyRequest request = ShopRequest(fetch);
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  request.namespace_labels.env = 'dev'\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_THAT(policy->Select(testing::Image("nginx"), request, Deadline::Infinite()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("read-only")));
}

TEST(RequestValueTest, UnavailableNamespaceLabelsRaiseNamingTheNamespaceAndTheReason) {
  CountingFetch fetch;
  fetch.error = PermissionDeniedError("Kubernetes API refused get namespaces shop (403)");
  const PolicyRequest request = ShopRequest(fetch);
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  local labels = request.namespace_labels\n"
      "  return nil, 'read ' .. tostring(labels)\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_THAT(policy->Select(testing::Image("nginx"), request, Deadline::Infinite()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("test.lua:2: namespace labels of shop unavailable: Kubernetes "
                                 "API refused get namespaces shop (403)")));
}

TEST(RequestValueTest, APolicyCanTolerateUnavailableLabelsWithPcall) {
  CountingFetch fetch;
  fetch.error = UnavailableError("timed out");
  const PolicyRequest request = ShopRequest(fetch);
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  local ok, err = pcall(function() return request.namespace_labels end)\n"
      "  return nil, tostring(ok) .. ' ' .. err\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "false namespace labels of shop unavailable: timed out");
}

TEST(RequestValueTest, NoFetchRaisesToo) {
  PolicyRequest request;
  request.namespace_name = "shop";
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  return nil, tostring(pcall(function() return request.namespace_labels end))\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "false");
}

TEST(RequestValueTest, AClusterScopedObjectHasNilNamespaceLabelsWithoutAFetch) {
  CountingFetch fetch;
  PolicyRequest request = ShopRequest(fetch);
  request.namespace_name = "";
  auto policy = MakePolicy(
      "return { select = function(image, request)\n"
      "  return nil, tostring(request.namespace_labels)\n"
      "end }");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Reason(*policy, request), "nil");
  EXPECT_EQ(fetch.calls, 0);
}

}  // namespace
}  // namespace connaisseur::policy
