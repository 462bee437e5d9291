// RenderResponse and SerializePatch: the response shape of docs/operations.md, and a patch that,
// applied to the object, gives the pinned images.
#include "runtime/admission/admission_outcome.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/crypto/encoding.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using nlohmann::json;

TEST(AdmissionOutcomeTest, DenyCarriesCode403AndMessageAndNoPatch) {
  AdmissionOutcome o = AdmissionOutcome::Deny("static deny for image x using rule *");
  o.patch.push_back({"/spec/containers/0/image", "x@sha256:1"});  // must not be sent
  json r = json::parse(RenderResponse("admission.k8s.io/v1beta1", "u-7", o));
  EXPECT_EQ(r["apiVersion"], "admission.k8s.io/v1beta1");
  EXPECT_EQ(r["kind"], "AdmissionReview");
  EXPECT_EQ(r["response"]["uid"], "u-7");
  EXPECT_EQ(r["response"]["allowed"], false);
  EXPECT_EQ(r["response"]["status"]["code"], 403);
  EXPECT_EQ(r["response"]["status"]["message"], "static deny for image x using rule *");
  EXPECT_FALSE(r["response"].contains("patch")) << r;
  EXPECT_FALSE(r["response"].contains("warnings")) << r;
}

TEST(AdmissionOutcomeTest, AllowWithoutPatchHasNoStatusNorPatch) {
  AdmissionOutcome o;
  o.allowed = true;
  o.warnings = {"detection mode active", "why"};
  json r = json::parse(RenderResponse("admission.k8s.io/v1", "u", o));
  EXPECT_EQ(r["response"]["allowed"], true);
  EXPECT_FALSE(r["response"].contains("status")) << r;
  EXPECT_FALSE(r["response"].contains("patchType")) << r;
  EXPECT_EQ(r["response"]["warnings"], json({"detection mode active", "why"}));
}

TEST(AdmissionOutcomeTest, PatchAppliedToTheObjectPinsEveryImage) {
  json object = {{"spec",
                  {{"containers", {{{"image", "nginx:1"}}, {{"image", "redis"}}}},
                   {"initContainers", {{{"image", "nginx:1"}}}}}}};
  AdmissionOutcome o;
  o.allowed = true;
  const std::string nginx = "docker.io/library/nginx:1@sha256:" + std::string(64, 'a');
  const std::string redis = "docker.io/library/redis:latest@sha256:" + std::string(64, 'b');
  o.patch = {{"/spec/containers/0/image", nginx},
             {"/spec/initContainers/0/image", nginx},
             {"/spec/containers/1/image", redis}};
  json r = json::parse(RenderResponse("admission.k8s.io/v1", "u", o));
  EXPECT_EQ(r["response"]["patchType"], "JSONPatch");
  auto decoded = crypto::Base64Decode(r["response"]["patch"].get<std::string>());
  ASSERT_THAT(decoded, IsOk());
  json patch = json::parse(*decoded);
  for (const json& op : patch) EXPECT_EQ(op["op"], "replace") << op;
  json patched = object.patch(patch);
  EXPECT_EQ(patched["spec"]["containers"][0]["image"], nginx);
  EXPECT_EQ(patched["spec"]["containers"][1]["image"], redis);
  EXPECT_EQ(patched["spec"]["initContainers"][0]["image"], nginx);
}

TEST(AdmissionOutcomeTest, SerializesAnEmptyPatchAsAnEmptyArray) {
  EXPECT_EQ(SerializePatch({}), "[]");
}

}  // namespace
}  // namespace connaisseur::admission
