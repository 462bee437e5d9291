// ExtractImages and ExtractPullContext: every handled kind keeps its images (and patch paths),
// service account and image pull secrets where Kubernetes does.
#include "runtime/admission/workload.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json PodSpec() {
  return {{"containers", {{{"name", "a"}, {"image", "a:1"}}, {{"name", "b"}, {"image", "b:1"}}}},
          {"initContainers", {{{"name", "i"}, {"image", "init:1"}}}},
          {"ephemeralContainers", {{{"name", "e"}, {"image", "debug:1"}}}}};
}

// Wraps a pod spec at the kind's location.
json ObjectOf(const std::string& kind) {
  if (kind == "Pod") return {{"spec", PodSpec()}};
  if (kind == "CronJob") {
    return {{"spec", {{"jobTemplate", {{"spec", {{"template", {{"spec", PodSpec()}}}}}}}}}};
  }
  return {{"spec", {{"template", {{"spec", PodSpec()}}}}}};
}

TEST(WorkloadTest, ExtractsEveryContainerTypeAtTheKindsPath) {
  const std::pair<std::string, std::string> kinds[] = {
      {"Pod", "/spec"},
      {"Deployment", "/spec/template/spec"},
      {"ReplicationController", "/spec/template/spec"},
      {"ReplicaSet", "/spec/template/spec"},
      {"DaemonSet", "/spec/template/spec"},
      {"StatefulSet", "/spec/template/spec"},
      {"Job", "/spec/template/spec"},
      {"CronJob", "/spec/jobTemplate/spec/template/spec"},
  };
  for (const auto& [kind, prefix] : kinds) {
    json object = ObjectOf(kind);
    auto images = ExtractImages(kind, object);
    ASSERT_THAT(images, IsOk()) << kind;
    ASSERT_EQ(images->size(), 4u) << kind;
    const std::pair<std::string, std::string> want[] = {
        {"a:1", prefix + "/containers/0/image"},
        {"b:1", prefix + "/containers/1/image"},
        {"init:1", prefix + "/initContainers/0/image"},
        {"debug:1", prefix + "/ephemeralContainers/0/image"},
    };
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ((*images)[i].image, want[i].first) << kind << " " << i;
      EXPECT_EQ((*images)[i].path, want[i].second) << kind << " " << i;
      // The path really points at the image.
      EXPECT_EQ(object.at(json::json_pointer((*images)[i].path)), want[i].first) << kind;
    }
  }
}

// An image volume is pulled by the kubelet like a container image: verified and pinned too.
TEST(WorkloadTest, ExtractsImageVolumesAfterTheContainers) {
  for (const std::string kind : {"Pod", "Deployment", "CronJob"}) {
    json object = ObjectOf(kind);
    json& spec = kind == "Pod"       ? object["spec"]
                 : kind == "CronJob" ? object["spec"]["jobTemplate"]["spec"]["template"]["spec"]
                                     : object["spec"]["template"]["spec"];
    spec["volumes"] = {{{"name", "config"}, {"configMap", {{"name", "c"}}}},
                       {{"name", "models"}, {"image", {{"reference", "models:1"}}}}};
    auto images = ExtractImages(kind, object);
    ASSERT_THAT(images, IsOk()) << kind;
    ASSERT_EQ(images->size(), 5u) << kind;
    EXPECT_EQ(images->back().image, "models:1") << kind;
    EXPECT_EQ(object.at(json::json_pointer(images->back().path)), "models:1") << kind;
    EXPECT_TRUE(images->back().path.ends_with("/volumes/1/image/reference")) << kind;
  }
}

TEST(WorkloadTest, ObjectsWithoutContainersYieldNoImages) {
  const json empty[] = {json::object(),
                        {{"spec", json::object()}},
                        {{"spec", nullptr}},
                        {{"spec", {{"containers", json::array()}}}}};
  for (const json& object : empty) {
    auto images = ExtractImages("Pod", object);
    ASSERT_THAT(images, IsOk()) << object;
    EXPECT_TRUE(images->empty()) << object;
  }
}

TEST(WorkloadTest, RejectsUnknownKindsAndMistypedFields) {
  EXPECT_THAT(
      ExtractImages("ConfigMap", ObjectOf("Pod")),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown workload kind \"ConfigMap\"")));
  const json reject[] = {
      json::array(),
      {{"spec", "x"}},
      {{"spec", {{"containers", "x"}}}},
      {{"spec", {{"containers", {1}}}}},
      {{"spec", {{"containers", {{{"name", "a"}}}}}}},
      {{"spec", {{"containers", {{{"image", 5}}}}}}},
      {{"spec", {{"initContainers", {{{"image", nullptr}}}}}}},
      {{"spec", {{"volumes", "x"}}}},
      {{"spec", {{"volumes", {5}}}}},
      {{"spec", {{"volumes", {{{"image", "models:1"}}}}}}},
      {{"spec", {{"volumes", {{{"image", {{"pullPolicy", "Always"}}}}}}}}},
      {{"spec", {{"volumes", {{{"image", {{"reference", 7}}}}}}}}},
  };
  for (const json& object : reject) {
    EXPECT_THAT(ExtractImages("Pod", object), StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << object;
  }
}

// Wraps `spec` (a pod spec) at the kind's location.
json WithSpec(const std::string& kind, json spec) {
  if (kind == "Pod") return {{"spec", spec}};
  if (kind == "CronJob") {
    return {{"spec", {{"jobTemplate", {{"spec", {{"template", {{"spec", spec}}}}}}}}}};
  }
  return {{"spec", {{"template", {{"spec", spec}}}}}};
}

TEST(WorkloadTest, RefusesMoreImagesPerObjectThanTheCap) {
  json containers = json::array();
  for (size_t i = 0; i < kMaxImagesPerObject; ++i) {
    containers.push_back({{"name", "c" + std::to_string(i)}, {"image", "nginx"}});
  }
  json pod = {{"spec", {{"containers", containers}}}};
  auto at_cap = ExtractImages("Pod", pod);
  ASSERT_THAT(at_cap, IsOk());
  EXPECT_EQ(at_cap->size(), kMaxImagesPerObject);
  pod["spec"]["initContainers"] = {{{"name", "one-more"}, {"image", "busybox"}}};
  EXPECT_THAT(ExtractImages("Pod", pod),
              StatusIs(StatusCode::kResourceExhausted,
                       HasSubstr("the object has 257 container images; at most 256")));
}

TEST(WorkloadTest, ExtractsThePullIdentityOfEveryKind) {
  json spec = PodSpec();
  spec["serviceAccountName"] = "builder";
  spec["imagePullSecrets"] = {{{"name", "first"}}, json::object(), {{"name", "second"}}};
  for (const std::string kind : {"Pod", "Deployment", "ReplicationController", "ReplicaSet",
                                 "DaemonSet", "StatefulSet", "Job", "CronJob"}) {
    auto pull = ExtractPullContext(kind, WithSpec(kind, spec), "team");
    ASSERT_THAT(pull, IsOk()) << kind;
    EXPECT_EQ(pull->namespace_name, "team") << kind;
    EXPECT_EQ(pull->service_account, "builder") << kind;
    EXPECT_EQ(pull->image_pull_secrets, (std::vector<std::string>{"first", "second"})) << kind;
  }
}

TEST(WorkloadTest, PullIdentityDefaultsAndTheDeprecatedServiceAccountField) {
  auto bare = ExtractPullContext("Pod", WithSpec("Pod", PodSpec()), "");
  ASSERT_THAT(bare, IsOk());
  EXPECT_EQ(bare->namespace_name, "default");
  EXPECT_EQ(bare->service_account, "");
  EXPECT_TRUE(bare->image_pull_secrets.empty());
  EXPECT_FALSE(bare->empty());

  json spec = PodSpec();
  spec["serviceAccount"] = "legacy";
  auto legacy = ExtractPullContext("Pod", WithSpec("Pod", spec), "team");
  ASSERT_THAT(legacy, IsOk());
  EXPECT_EQ(legacy->service_account, "legacy");
  spec["serviceAccountName"] = "current";
  auto both = ExtractPullContext("Pod", WithSpec("Pod", spec), "team");
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->service_account, "current");
}

TEST(WorkloadTest, PullIdentityRejectsMistypedFields) {
  const std::pair<json, std::string> cases[] = {
      {{{"serviceAccountName", 7}}, "/spec/serviceAccountName is not a string"},
      {{{"imagePullSecrets", "secret"}}, "/spec/imagePullSecrets is not an array"},
      {{{"imagePullSecrets", {"secret"}}}, "/spec/imagePullSecrets/0 is not an object"},
      {{{"imagePullSecrets", {{{"name", 1}}}}}, "/spec/imagePullSecrets/0/name is not a string"},
  };
  for (const auto& [spec, message] : cases) {
    EXPECT_THAT(ExtractPullContext("Pod", WithSpec("Pod", spec), "team"),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(message)))
        << spec.dump();
  }
  EXPECT_THAT(ExtractPullContext("Service", json::object(), "team"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown workload kind")));
}

}  // namespace
}  // namespace connaisseur::admission
