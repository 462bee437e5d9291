// ExtractImages: every handled kind keeps its images (and patch paths) where Kubernetes does.
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

}  // namespace
}  // namespace connaisseur::admission
