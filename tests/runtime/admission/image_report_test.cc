// ReportImage (runtime/admission/image_report.h): one image's row within its request's verdict,
// as `check` prints it and `review` logs it; and ApplyDetectionMode, the one place detection
// mode turns a deny into an allow.
#include "runtime/admission/image_report.h"

#include <gtest/gtest.h>

#include "tests/runtime/admission/admission_fixtures.h"

namespace connaisseur::admission {
namespace {

ImageCheck Check(bool allowed, std::string reason, std::string digest = "") {
  ImageCheck c;
  c.result.image = "nginx:1";
  c.normalized = "docker.io/library/nginx:1";
  c.result.rule = testing::MakeRule("docker.io/library/*", "notary");
  c.result.allowed = allowed;
  c.result.reason = std::move(reason);
  c.result.digest = std::move(digest);
  return c;
}

AdmissionOutcome Allowed() {
  AdmissionOutcome o;
  o.allowed = true;
  return o;
}

TEST(ApplyDetectionModeTest, TurnsADenyIntoAnAllowWarningWithTheReasonAndNoPatch) {
  AdmissionOutcome o = AdmissionOutcome::Deny("unsigned");
  o.patch.push_back({"/spec/containers/0/image", "x"});
  EXPECT_TRUE(ApplyDetectionMode(o));
  EXPECT_TRUE(o.allowed);
  EXPECT_EQ(o.warnings, (std::vector<std::string>{"detection mode active", "unsigned"}));
  EXPECT_TRUE(o.patch.empty());
}

TEST(ApplyDetectionModeTest, LeavesAnAllowAlone) {
  AdmissionOutcome o = Allowed();
  o.patch.push_back({"/spec/containers/0/image", "x"});
  EXPECT_FALSE(ApplyDetectionMode(o));
  EXPECT_EQ(o.patch.size(), 1u);
  EXPECT_TRUE(o.warnings.empty());
}

TEST(ImageReportTest, AnAllowedImageCarriesItsRuleDigestAndReason) {
  const ImageReport r = ReportImage(Check(true, "verified", "sha256:aa"), Allowed(), "", false);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.image, "nginx:1");
  EXPECT_EQ(r.normalized, "docker.io/library/nginx:1");
  EXPECT_EQ(r.rule, "docker.io/library/*");
  EXPECT_EQ(r.validator, "notary");
  EXPECT_EQ(r.digest, "sha256:aa");
  EXPECT_EQ(r.reason, "verified");
  EXPECT_FALSE(r.detection_override);
}

TEST(ImageReportTest, ADeniedImageGivesItsOwnReason) {
  const ImageReport r =
      ReportImage(Check(false, "no trust data"), AdmissionOutcome::Deny("other"), "", false);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.reason, "no trust data");
  EXPECT_FALSE(r.digest.has_value());
}

TEST(ImageReportTest, APassedImageOfADeniedRequestGivesTheRequestsReason) {
  const ImageReport r =
      ReportImage(Check(true, "verified"), AdmissionOutcome::Deny("denied by policy"), "", false);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.reason, "denied by policy");
}

TEST(ImageReportTest, WhatAdmitSaidIsTheReason) {
  EXPECT_EQ(ReportImage(Check(true, "verified"), Allowed(), "fine by admit", false).reason,
            "fine by admit");
  EXPECT_EQ(ReportImage(Check(false, "unsigned"), AdmissionOutcome::Deny("no"), "no", false).reason,
            "no");
}

TEST(ImageReportTest, DetectionModeAllowsSayingSoWithTheDenial) {
  AdmissionOutcome o = AdmissionOutcome::Deny("unsigned");
  ASSERT_TRUE(ApplyDetectionMode(o));
  const ImageReport denied = ReportImage(Check(false, "unsigned"), o, "", true);
  EXPECT_TRUE(denied.allowed);
  EXPECT_TRUE(denied.detection_override);
  EXPECT_EQ(denied.reason, "detection mode active: unsigned");
  AdmissionOutcome by_policy = AdmissionOutcome::Deny("denied by policy");
  ASSERT_TRUE(ApplyDetectionMode(by_policy));
  EXPECT_EQ(ReportImage(Check(true, "verified"), by_policy, "", true).reason,
            "detection mode active: denied by policy");
}

TEST(ImageReportTest, FieldsNameEveryKeyAndNullForWhatIsAbsent) {
  ImageCheck unparsable;
  unparsable.result.image = "Bad Ref";
  unparsable.result.reason = "invalid reference";
  const nlohmann::json f =
      ReportFields(ReportImage(unparsable, AdmissionOutcome::Deny("x"), "", false));
  EXPECT_EQ(f, nlohmann::json({{"image", "Bad Ref"},
                               {"normalized", nullptr},
                               {"rule", nullptr},
                               {"validator", nullptr},
                               {"verdict", "deny"},
                               {"digest", nullptr},
                               {"reason", "invalid reference"}}));
}

}  // namespace
}  // namespace connaisseur::admission
