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
  const ImageReport r =
      ReportImage(Check(true, "verified", "sha256:aa"), Allowed(), "", false, true);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.image, "nginx:1");
  EXPECT_EQ(r.normalized, "docker.io/library/nginx:1");
  EXPECT_EQ(r.rule, "docker.io/library/*");
  EXPECT_EQ(r.validator, "notary");
  EXPECT_EQ(r.digest, "sha256:aa");
  EXPECT_EQ(r.reason, "verified");
  EXPECT_FALSE(r.detection_override);
}

TEST(ImageReportTest, ASoleImageTakesTheRequestsDenialMessage) {
  const ImageReport r = ReportImage(Check(false, "no trust data"),
                                    AdmissionOutcome::Deny("no trust data"), "", false, true);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.reason, "no trust data");
  EXPECT_FALSE(r.digest.has_value());
  const ImageReport by_admit = ReportImage(
      Check(true, "verified"), AdmissionOutcome::Deny("only on weekdays"), "", false, true);
  EXPECT_FALSE(by_admit.allowed);
  EXPECT_EQ(by_admit.reason, "only on weekdays");
}

TEST(ImageReportTest, AnAllowingAdmitsMessageIsASoleImagesReason) {
  EXPECT_EQ(ReportImage(Check(true, "verified"), Allowed(), "fine by admit", false, true).reason,
            "fine by admit");
  EXPECT_EQ(ReportImage(Check(true, "verified"), Allowed(), "", false, true).reason, "verified");
}

TEST(ImageReportTest, AmongSeveralImagesEachReportsItsOwnResult) {
  const AdmissionOutcome denied = AdmissionOutcome::Deny("no trust data");
  const ImageReport passed = ReportImage(Check(true, "verified"), denied, "", false, false);
  EXPECT_TRUE(passed.allowed);
  EXPECT_EQ(passed.reason, "verified");
  const ImageReport failed = ReportImage(Check(false, "no trust data"), denied, "", false, false);
  EXPECT_FALSE(failed.allowed);
  EXPECT_EQ(failed.reason, "no trust data");
}

TEST(ImageReportTest, DetectionModeAllowsSayingSoWithTheDenial) {
  AdmissionOutcome o = AdmissionOutcome::Deny("unsigned");
  ASSERT_TRUE(ApplyDetectionMode(o));
  const ImageReport sole = ReportImage(Check(false, "unsigned"), o, "", true, true);
  EXPECT_TRUE(sole.allowed);
  EXPECT_TRUE(sole.detection_override);
  EXPECT_EQ(sole.reason, "detection mode active: unsigned");
  const ImageReport failed = ReportImage(Check(false, "unsigned"), o, "", true, false);
  EXPECT_TRUE(failed.allowed);
  EXPECT_EQ(failed.reason, "detection mode active: unsigned");
  const ImageReport passed = ReportImage(Check(true, "verified"), o, "", true, false);
  EXPECT_TRUE(passed.allowed);
  EXPECT_FALSE(passed.detection_override);
  EXPECT_EQ(passed.reason, "verified");
}

TEST(ImageReportTest, FieldsNameEveryKeyAndNullForWhatIsAbsent) {
  ImageCheck unparsable;
  unparsable.result.image = "Bad Ref";
  unparsable.result.reason = "invalid reference";
  const nlohmann::json f = ReportFields(
      ReportImage(unparsable, AdmissionOutcome::Deny("invalid reference"), "", false, true));
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
