// Kubernetes objects and AdmissionReviews for the webhook e2e tests, and the client side of a
// JSON patch: apply the response's patch to the object the way the API server does, then read
// the images back from every container path of the kind.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/crypto/encoding.h"

namespace connaisseur::testing {

// A pod spec with the given images per container type (empty types are left out).
inline nlohmann::json PodSpec(const std::vector<std::string>& containers,
                              const std::vector<std::string>& init = {},
                              const std::vector<std::string>& ephemeral = {}) {
  nlohmann::json spec = nlohmann::json::object();
  auto add = [&spec](const char* type, const std::vector<std::string>& images) {
    if (images.empty()) return;
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < images.size(); ++i) {
      list.push_back({{"name", std::string(type) + std::to_string(i)}, {"image", images[i]}});
    }
    spec[type] = list;
  };
  add("containers", containers);
  add("initContainers", init);
  add("ephemeralContainers", ephemeral);
  return spec;
}

// Where `kind` keeps its pod spec, as a JSON pointer.
inline std::string PodSpecPath(const std::string& kind) {
  if (kind == "Pod") return "";
  if (kind == "CronJob") return "/jobTemplate/spec/template/spec";
  return "/template/spec";
}

// An object of `kind` named `name` around `pod_spec`; `owner` (a kind) adds an ownerReference.
inline nlohmann::json Workload(const std::string& kind, const std::string& name,
                               const nlohmann::json& pod_spec, const std::string& owner = "") {
  nlohmann::json object = {{"apiVersion", kind == "Pod" ? "v1" : "apps/v1"},
                           {"kind", kind},
                           {"metadata", {{"name", name}, {"namespace", "team-a"}}}};
  object[nlohmann::json::json_pointer("/spec" + PodSpecPath(kind))] = pod_spec;
  if (!owner.empty()) {
    object["metadata"]["ownerReferences"] = {{{"apiVersion", "apps/v1"},
                                              {"kind", owner},
                                              {"name", name + "-owner"},
                                              {"uid", "6b1e8f2c-0000-4000-8000-000000000001"},
                                              {"controller", true}}};
  }
  return object;
}

inline nlohmann::json Review(const nlohmann::json& object, const std::string& uid) {
  const std::string kind = object["kind"];
  const std::string group = kind == "Pod"                        ? ""
                            : kind == "CronJob" || kind == "Job" ? "batch"
                                                                 : "apps";
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", group}, {"version", "v1"}, {"kind", kind}}},
            {"namespace", "team-a"},
            {"operation", "CREATE"},
            {"object", object}}}};
}

// `object` after the response's patch, as the API server would apply it. Every op must be a
// `replace` of an existing image path (the webhook never adds or removes anything).
inline nlohmann::json ApplyPatch(const nlohmann::json& object, const nlohmann::json& response) {
  if (!response.contains("patch")) return object;
  EXPECT_EQ(response.value("patchType", ""), "JSONPatch") << response;
  auto text = crypto::Base64Decode(response["patch"].get<std::string>());
  EXPECT_TRUE(text.ok()) << response;
  if (!text.ok()) return object;
  nlohmann::json ops = nlohmann::json::parse(*text, nullptr, false);
  EXPECT_TRUE(ops.is_array()) << *text;
  for (const nlohmann::json& op : ops) {
    EXPECT_EQ(op.value("op", ""), "replace") << op;
    const std::string path = op.value("path", "");
    EXPECT_TRUE(path.size() > 6 && path.ends_with("/image")) << op;
    EXPECT_TRUE(object.contains(nlohmann::json::json_pointer(path))) << op;
  }
  return object.patch(ops);
}

// Every image of `object` by type, in container order.
inline std::vector<std::string> ImagesOf(const nlohmann::json& object) {
  std::vector<std::string> images;
  const nlohmann::json& spec =
      object[nlohmann::json::json_pointer("/spec" + PodSpecPath(object["kind"]))];
  for (const char* type : {"containers", "initContainers", "ephemeralContainers"}) {
    if (!spec.contains(type)) continue;
    for (const nlohmann::json& c : spec[type]) images.push_back(c["image"]);
  }
  return images;
}

}  // namespace connaisseur::testing
