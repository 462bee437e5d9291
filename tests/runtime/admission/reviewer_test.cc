// Reviewer: the whole admission flow of docs/operations.md on in-memory collaborators (a
// first-match policy, a table verifier, a recording alert notifier, a real metrics registry).
#include "runtime/admission/reviewer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/admission/workload.h"
#include "runtime/crypto/encoding.h"
#include "runtime/log/logger.h"
#include "runtime/metrics/registry.h"
#include "runtime/metrics/webhook_metrics.h"
#include "tests/runtime/admission/admission_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using alerting::AlertEvent;
using alerting::AlertNotifier;
using nlohmann::json;
using testing::Digest;
using testing::MakeRule;
using testing::PodReview;

class RecordingNotifier final : public AlertNotifier {
 public:
  std::vector<AlertEvent> events;
  Status result;
  Status Notify(const AlertEvent& event, Deadline) override {
    events.push_back(event);
    return result;
  }
};

class ReviewerTest : public ::testing::Test {
 protected:
  ReviewerTest()
      : config_(testing::MakeConfig()),
        policy_({MakeRule("docker.io/library/static-ok*", "allow"),
                 MakeRule("docker.io/library/static-no*", "deny"),
                 MakeRule("docker.io/library/validate-only*", "notary",
                          config::RuleMode::kInsecureValidateOnly),
                 MakeRule("docker.io/library/*", "notary")}),
        verified_({std::chrono::seconds(30), 100, {}}) {
    verifier_.digests = {{"docker.io/library/nginx", Digest('a')},
                         {"docker.io/library/redis", Digest('b')},
                         {"docker.io/library/validate-only", Digest('c')}};
    metrics::DescribeWebhookMetrics(metrics_);
  }

  json Review(const json& review) {
    ImageCheckContext ctx{&config_, &verifier_, &verified_, &metrics_, &logger_};
    Reviewer reviewer(ctx, &alerts_);
    auto out = reviewer.Review(review.dump(), policy_);
    EXPECT_THAT(out, IsOk()) << review;
    return out.ok() ? json::parse(*out)["response"] : json();
  }

  // The images of `object` after applying the response's patch.
  static json Patched(json object, const json& response) {
    if (!response.contains("patch")) return object;
    auto text = crypto::Base64Decode(response["patch"].get<std::string>());
    EXPECT_THAT(text, IsOk());
    return object.patch(json::parse(*text));
  }

  config::Config config_;
  testing::FirstMatchPolicy policy_;
  testing::TableVerifier verifier_;
  VerifiedDigests verified_;
  metrics::Registry metrics_;
  log::NullLogger logger_;
  RecordingNotifier alerts_;
};

TEST_F(ReviewerTest, PinsTagReferencesAndValidatesIdenticalImagesOnce) {
  json review = PodReview({"nginx:1.25", "redis", "nginx:1.25"});
  review["request"]["object"]["spec"]["initContainers"] = {
      {{"name", "i"}, {"image", "nginx:1.25"}}};
  json r = Review(review);
  ASSERT_EQ(r["allowed"], true) << r;
  EXPECT_EQ(r["uid"], "uid-1");
  EXPECT_EQ(verifier_.calls, 2) << "nginx:1.25 must be validated once";
  json patched = Patched(review["request"]["object"], r);
  const std::string nginx = "docker.io/library/nginx:1.25@" + Digest('a');
  EXPECT_EQ(patched["spec"]["containers"][0]["image"], nginx);
  EXPECT_EQ(patched["spec"]["containers"][1]["image"],
            "docker.io/library/redis:latest@" + Digest('b'));
  EXPECT_EQ(patched["spec"]["containers"][2]["image"], nginx);
  EXPECT_EQ(patched["spec"]["initContainers"][0]["image"], nginx);
}

TEST_F(ReviewerTest, VerifiesAndPinsImageVolumesLikeContainers) {
  json review = PodReview({"nginx:1.25"});
  review["request"]["object"]["spec"]["volumes"] = {
      {{"name", "models"}, {"image", {{"reference", "redis"}}}}};
  json r = Review(review);
  ASSERT_EQ(r["allowed"], true) << r;
  json patched = Patched(review["request"]["object"], r);
  EXPECT_EQ(patched["spec"]["volumes"][0]["image"]["reference"],
            "docker.io/library/redis:latest@" + Digest('b'));

  review["request"]["object"]["spec"]["volumes"][0]["image"]["reference"] = "unsigned:1";
  r = Review(review);
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_NE(r["status"]["message"].get<std::string>().find("unsigned:1"), std::string::npos) << r;
}

TEST_F(ReviewerTest, SendsNoPatchForPinnedDigestsValidateOnlyRulesOrStaticAllows) {
  const std::string cases[] = {"docker.io/library/nginx:1.25@" + Digest('a'), "validate-only:1",
                               "static-ok:1"};
  for (const std::string& image : cases) {
    json r = Review(PodReview({image}));
    EXPECT_EQ(r["allowed"], true) << image << r;
    EXPECT_FALSE(r.contains("patch")) << image << r;
  }
}

TEST_F(ReviewerTest, DeniesWithTheFailingImagesMessage) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"nginx", "static-no:1"}, "static deny for image static-no:1 using rule"},
      {{"unsigned:1"}, "error during notaryv1 validation of image unsigned:1"},
      {{"quay.io/x/y:1"}, "no matching rule found"},
      {{"Invalid Image!"}, "invalid image reference"},
      {{"nginx@" + Digest('f')}, "differs"},
  };
  for (const auto& [images, message] : cases) {
    json r = Review(PodReview(images));
    EXPECT_EQ(r["allowed"], false) << images[0] << r;
    EXPECT_EQ(r["status"]["code"], 403) << images[0];
    EXPECT_NE(r["status"]["message"].get<std::string>().find(message), std::string::npos)
        << images[0] << r;
    EXPECT_FALSE(r.contains("patch")) << r;
  }
}

TEST_F(ReviewerTest, DeniesUndecodableObjects) {
  json unknown = PodReview({"nginx"});
  unknown["request"]["kind"]["kind"] = "ConfigMap";
  json empty = PodReview({});
  json mistyped = PodReview({"nginx"});
  mistyped["request"]["object"]["spec"]["containers"] = "nginx";
  const std::pair<json, std::string> cases[] = {
      {unknown, "unknown workload kind \"ConfigMap\""},
      {empty, "no containers found in workload object"},
      {mistyped, "error decoding new workload object"},
  };
  for (const auto& [review, message] : cases) {
    json r = Review(review);
    EXPECT_EQ(r["allowed"], false) << review;
    EXPECT_NE(r["status"]["message"].get<std::string>().find(message), std::string::npos) << r;
  }
  ASSERT_EQ(alerts_.events.size(), 3u);
  EXPECT_EQ(alerts_.events[0].message, "CONNAISSEUR failed to parse admission request uid-1");
}

// The kind label is request input: made-up kinds must share one series, or a client could grow
// the metrics without bound.
TEST_F(ReviewerTest, CountsMadeUpKindsUnderOneLabel) {
  for (int i = 0; i < 50; ++i) {
    json review = PodReview({"nginx"});
    review["request"]["kind"]["kind"] = "Kind" + std::to_string(i);
    EXPECT_EQ(Review(review)["allowed"], false) << i;
  }
  EXPECT_EQ(metrics_.Value(metrics::kRequestsByKind, {{"kind", "other"}, {"verdict", "denied"}}),
            50);
  EXPECT_EQ(metrics_.Value(metrics::kRequestsByKind, {{"kind", "Kind7"}, {"verdict", "denied"}}),
            0);
  const std::string text = metrics_.RenderText();
  EXPECT_EQ(text.find("Kind7"), std::string::npos) << text;
}

TEST_F(ReviewerTest, DetectionModeAdmitsDenialsWithWarningsAndNoPatch) {
  config_.features.detection_mode = true;
  json r = Review(PodReview({"nginx", "unsigned:1"}));
  EXPECT_EQ(r["allowed"], true) << r;
  EXPECT_FALSE(r.contains("patch")) << r;
  ASSERT_EQ(r["warnings"].size(), 2u) << r;
  EXPECT_EQ(r["warnings"][0], "detection mode active");
  EXPECT_NE(r["warnings"][1].get<std::string>().find("unsigned:1"), std::string::npos);
  // The alert goes out on the validation outcome, before detection mode admits.
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_FALSE(alerts_.events[0].admitted);
}

TEST_F(ReviewerTest, PodsOnlyModeAdmitsOtherKindsWithoutPatch) {
  config_.features.resource_validation_mode = config::Features::ResourceValidationMode::kPodsOnly;
  json deployment = PodReview({"unsigned:1"});
  deployment["request"]["kind"]["kind"] = "Deployment";
  json spec = deployment["request"]["object"]["spec"];
  deployment["request"]["object"]["spec"] = {{"template", {{"spec", spec}}}};
  json r = Review(deployment);
  EXPECT_EQ(r["allowed"], true) << r;
  EXPECT_EQ(r["warnings"][0], "pod-only validation active") << r;
  deployment["request"]["object"]["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx";
  r = Review(deployment);
  EXPECT_EQ(r["allowed"], true) << r;
  EXPECT_FALSE(r.contains("patch")) << r;
  // Pods are still validated.
  EXPECT_EQ(Review(PodReview({"unsigned:1"}))["allowed"], false);
}

json DeploymentUpdate(const std::string& old_image, const std::string& new_image, int old_replicas,
                      int new_replicas) {
  auto object = [](const std::string& image, int replicas) {
    return json{
        {"metadata", {{"name", "d"}}},
        {"spec",
         {{"replicas", replicas},
          {"template", {{"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}}}}};
  };
  json review = PodReview({"x"}, "UPDATE");
  review["request"]["kind"]["kind"] = "Deployment";
  review["request"]["object"] = object(new_image, new_replicas);
  review["request"]["oldObject"] = object(old_image, old_replicas);
  return review;
}

TEST_F(ReviewerTest, UnchangedApprovalSkipsImagesOfTheOldObject) {
  config_.features.automatic_unchanged_approval = true;
  // "unsigned:1" would fail verification: only the skip can admit it.
  json r = Review(DeploymentUpdate("docker.io/library/unsigned:1", "unsigned:1", 1, 2));
  EXPECT_EQ(r["allowed"], true) << r;
  EXPECT_EQ(verifier_.calls, 0);
  EXPECT_EQ(metrics_.Value(
                metrics::kValidationsSkipped,
                {{"type", "notaryv1"}, {"validator_name", "notary"}, {"reason", kSkipUnchanged}}),
            1);
  // Scaling to 0 skips everything; scaling up from 0 validates again.
  EXPECT_EQ(Review(DeploymentUpdate("other:1", "unsigned:1", 3, 0))["allowed"], true);
  EXPECT_EQ(Review(DeploymentUpdate("unsigned:1", "unsigned:1", 0, 1))["allowed"], false);
  // A changed image is validated; the feature off validates everything.
  EXPECT_EQ(Review(DeploymentUpdate("other:1", "unsigned:1", 1, 1))["allowed"], false);
  config_.features.automatic_unchanged_approval = false;
  EXPECT_EQ(Review(DeploymentUpdate("unsigned:1", "unsigned:1", 1, 1))["allowed"], false);
}

TEST_F(ReviewerTest, DeletionAdmitsOnlyWhenImagesAreUnchanged) {
  json review = DeploymentUpdate("unsigned:1", "unsigned:1", 1, 1);
  review["request"]["oldObject"]["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  EXPECT_EQ(Review(review)["allowed"], true);
  review["request"]["object"]["spec"]["template"]["spec"]["containers"][0]["image"] = "unsigned:2";
  EXPECT_EQ(Review(review)["allowed"], false);
}

json ChildPod(const std::string& image) {
  json review = PodReview({image});
  review["request"]["object"]["metadata"]["ownerReferences"] = {
      {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "d-1"}, {"uid", "forged"}}};
  return review;
}

TEST_F(ReviewerTest, ChildApprovalTrustsOnlyDigestsThisWebhookVerified) {
  // The parent pins nginx:1.25 to a digest...
  json parent = Review(PodReview({"nginx:1.25"}));
  ASSERT_EQ(parent["allowed"], true);
  const int calls = verifier_.calls;
  // ...so the child carrying exactly that reference is approved without a verification.
  json r = Review(ChildPod("docker.io/library/nginx:1.25@" + Digest('a')));
  EXPECT_EQ(r["allowed"], true) << r;
  EXPECT_EQ(verifier_.calls, calls);
  EXPECT_EQ(
      metrics_.Value(metrics::kValidationsSkipped,
                     {{"type", "notaryv1"}, {"validator_name", "notary"}, {"reason", kSkipChild}}),
      1);
  // A forged ownerReference on an image nobody verified gains nothing: it is verified, and fails.
  r = Review(ChildPod("docker.io/library/unsigned:1@" + Digest('e')));
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_EQ(verifier_.calls, calls + 1);
  // A tag reference is never a child approval.
  r = Review(ChildPod("unsigned:1"));
  EXPECT_EQ(r["allowed"], false) << r;
}

// The child of `ChildPod(image)` as the API server's ServiceAccount admission hands it to webhooks:
// the service account named, and (when `secret` is given) its pull secrets copied into the Pod.
json DefaultedChildPod(const std::string& image, const std::string& secret = "") {
  json review = ChildPod(image);
  review["request"]["object"]["spec"]["serviceAccountName"] = "default";
  if (!secret.empty()) {
    review["request"]["object"]["spec"]["imagePullSecrets"] = {{{"name", secret}}};
  }
  return review;
}

TEST_F(ReviewerTest, ChildApprovalIgnoresThePullIdentityOfValidatorsThatUseNoCredentials) {
  ASSERT_EQ(Review(PodReview({"nginx:1.25"}))["allowed"], true);
  const std::string child = "docker.io/library/nginx:1.25@" + Digest('a');
  json other_namespace = ChildPod(child);
  other_namespace["request"]["namespace"] = "team-b";
  other_namespace["request"]["object"]["metadata"]["namespace"] = "team-b";
  for (const json& review :
       {ChildPod(child), DefaultedChildPod(child, "regcred"), other_namespace}) {
    const int calls = verifier_.calls;
    EXPECT_EQ(Review(review)["allowed"], true);
    EXPECT_EQ(verifier_.calls, calls) << review["request"];
  }
}

TEST_F(ReviewerTest, ChildApprovalOfAKeychainValidatorHoldsOnlyForTheParentsPullIdentity) {
  verifier_.uses_pull_credentials = true;
  ASSERT_EQ(Review(PodReview({"nginx:1.25"}))["allowed"], true);
  const std::string child = "docker.io/library/nginx:1.25@" + Digest('a');
  int calls = verifier_.calls;
  // The same identity: the service account left unnamed is "default", as the kubelet pulls.
  for (const json& review : {ChildPod(child), DefaultedChildPod(child)}) {
    EXPECT_EQ(Review(review)["allowed"], true);
    EXPECT_EQ(verifier_.calls, calls) << review["request"];
  }
  // Another namespace, service account or pull secret did not have its own credentials tried:
  // the image is verified for it.
  json other_namespace = ChildPod(child);
  other_namespace["request"]["namespace"] = "team-b";
  other_namespace["request"]["object"]["metadata"]["namespace"] = "team-b";
  json other_account = ChildPod(child);
  other_account["request"]["object"]["spec"]["serviceAccountName"] = "builder";
  for (const json& review : {other_namespace, other_account, DefaultedChildPod(child, "regcred")}) {
    calls = verifier_.calls;
    EXPECT_EQ(Review(review)["allowed"], true);
    EXPECT_EQ(verifier_.calls, calls + 1) << review["request"];
  }
}

TEST_F(ReviewerTest, ChildApprovalEntriesCannotBeForgedWithSeparatorsInNames) {
  verifier_.uses_pull_credentials = true;
  json parent = PodReview({"nginx:1.25"});
  parent["request"]["object"]["spec"]["imagePullSecrets"] = {{{"name", "a"}}, {{"name", "b"}}};
  ASSERT_EQ(Review(parent)["allowed"], true);
  json child = ChildPod("docker.io/library/nginx:1.25@" + Digest('a'));
  child["request"]["object"]["spec"]["imagePullSecrets"] = {{{"name", "a\nb"}}};
  const int calls = verifier_.calls;
  Review(child);
  EXPECT_EQ(verifier_.calls, calls + 1);
}

TEST_F(ReviewerTest, ChildApprovalIsOffWhenDisabledOrPodsOnly) {
  ASSERT_EQ(Review(PodReview({"nginx:1.25"}))["allowed"], true);
  const std::string child = "docker.io/library/nginx:1.25@" + Digest('a');
  config_.features.automatic_child_approval = false;
  int calls = verifier_.calls;
  EXPECT_EQ(Review(ChildPod(child))["allowed"], true);
  EXPECT_EQ(verifier_.calls, calls + 1) << "without child approval the child is verified";
  config_.features.automatic_child_approval = true;
  config_.features.resource_validation_mode = config::Features::ResourceValidationMode::kPodsOnly;
  calls = verifier_.calls;
  EXPECT_EQ(Review(ChildPod(child))["allowed"], true);
  EXPECT_EQ(verifier_.calls, calls + 1);
}

TEST_F(ReviewerTest, ChildApprovalExpiresWithTheTtl) {
  auto now = VerifiedDigests::Clock::now();
  VerifiedDigests verified({std::chrono::seconds(30), 100, [&] { return now; }});
  const config::Rule rule = MakeRule("docker.io/library/*", "notary");
  const verification::PullContext pull{"default", "", {}};
  verified.Remember(rule, nullptr, "docker.io/library/nginx:1@" + Digest('a'), {});
  EXPECT_TRUE(verified.Find(rule, pull, "docker.io/library/nginx:1@" + Digest('a')));
  EXPECT_FALSE(verified.Find(MakeRule("docker.io/library/*", "other"), pull,
                             "docker.io/library/nginx:1@" + Digest('a')));
  now += std::chrono::seconds(31);
  EXPECT_FALSE(verified.Find(rule, pull, "docker.io/library/nginx:1@" + Digest('a')));
}

TEST_F(ReviewerTest, DryRunSendsNoAlertsButIsValidatedTheSame) {
  json review = PodReview({"unsigned:1"});
  review["request"]["dryRun"] = true;
  EXPECT_EQ(Review(review)["allowed"], false);
  EXPECT_TRUE(alerts_.events.empty());
  Review(PodReview({"nginx"}));
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_TRUE(alerts_.events[0].admitted);
  EXPECT_EQ(alerts_.events[0].message, "CONNAISSEUR admitted a request");
  EXPECT_EQ(alerts_.events[0].request_id, "uid-1");
}

TEST_F(ReviewerTest, FailedMandatoryAlertDeniesEvenInDetectionMode) {
  config_.features.detection_mode = true;
  const std::string message =
      " error sending notifications: failed sending a notification for receiver slack-0 with "
      "FailOnError set: connection refused";
  alerts_.result = UnavailableError(message);
  json r = Review(PodReview({"nginx"}));
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_EQ(r["status"]["message"], message);
}

TEST_F(ReviewerTest, PolicyAlertsGoToTheRejectStreamWhateverTheVerdict) {
  policy_.alerts = {"break-glass used", "second"};
  json r = Review(PodReview({"nginx", "redis"}));
  EXPECT_EQ(r["allowed"], true) << r;
  ASSERT_EQ(alerts_.events.size(), 2u);
  EXPECT_TRUE(alerts_.events[0].admitted);
  EXPECT_FALSE(alerts_.events[1].admitted);
  EXPECT_EQ(alerts_.events[1].message, "CONNAISSEUR policy alert: break-glass used; second");
  EXPECT_EQ(alerts_.events[1].request_id, "uid-1");
  EXPECT_EQ(alerts_.events[1].images, (std::vector<std::string>{"nginx", "redis"}));

  alerts_.events.clear();
  json dry = PodReview({"nginx"});
  dry["request"]["dryRun"] = true;
  Review(dry);
  EXPECT_TRUE(alerts_.events.empty()) << "no alerts for dry-run requests";
}

TEST_F(ReviewerTest, AFailedMandatoryPolicyAlertDenies) {
  policy_.alerts = {"break-glass used"};
  alerts_.result = UnavailableError(" error sending notifications: receiver down");
  json r = Review(PodReview({"nginx"}));
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_EQ(r["status"]["message"], " error sending notifications: receiver down");
}

TEST_F(ReviewerTest, AnObjectWithMoreImagesThanTheCapIsDeniedBeforeAnyVerification) {
  json r = Review(PodReview(std::vector<std::string>(kMaxImagesPerObject + 1, "nginx")));
  EXPECT_EQ(r["allowed"], false) << r;
  EXPECT_THAT(r["status"].value("message", ""),
              ::testing::HasSubstr("at most 256 are reviewed per object"));
  EXPECT_EQ(Review(PodReview(std::vector<std::string>(kMaxImagesPerObject, "nginx")))["allowed"],
            true);
}

TEST_F(ReviewerTest, DeadlineDeniesWithTheCountOfValidatedImages) {
  config_.timeout_seconds = 0;  // already expired: nothing can be validated
  json r = Review(PodReview({"nginx", "redis"}));
  EXPECT_EQ(r["allowed"], false);
  const std::string message = r["status"]["message"];
  EXPECT_EQ(message.rfind(
                "validation of admission request uid-1 timed out after validating 0/2 images: ", 0),
            0u)
      << message;
  EXPECT_NE(message.find("nginx: not decided ("), std::string::npos) << message;
  EXPECT_NE(message.find("; redis: not decided ("), std::string::npos) << message;
  EXPECT_EQ(metrics_.Value(metrics::kRequestsDenied, {{"timeout", "true"}}), 1);
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].message,
            "CONNAISSEUR validation timed out for admission request uid-1");
}

TEST_F(ReviewerTest, CountsRequestsAndValidations) {
  Review(PodReview({"nginx"}));
  Review(PodReview({"unsigned:1"}));
  Review(PodReview({"static-ok:1"}));
  EXPECT_EQ(metrics_.Value(metrics::kRequests), 3);
  EXPECT_EQ(metrics_.Value(metrics::kRequestsAdmitted), 2);
  EXPECT_EQ(metrics_.Value(metrics::kRequestsDenied, {{"timeout", "false"}}), 1);
  EXPECT_EQ(metrics_.Value(metrics::kRequestsByKind, {{"kind", "Pod"}, {"verdict", "denied"}}), 1);
  EXPECT_EQ(metrics_.Value(metrics::kValidationsSuccessful,
                           {{"type", "notaryv1"}, {"validator_name", "notary"}}),
            1);
  EXPECT_EQ(metrics_.Value(metrics::kValidationsFailed,
                           {{"type", "notaryv1"}, {"validator_name", "notary"}}),
            1);
  EXPECT_EQ(metrics_.Value(metrics::kValidationsSuccessful,
                           {{"type", "static"}, {"validator_name", "allow"}}),
            1);
  EXPECT_EQ(metrics_.Value(metrics::kRequestDuration), 3);
}

TEST_F(ReviewerTest, ParseErrorsComeBackAsStatusNotResponses) {
  ImageCheckContext ctx{&config_, &verifier_, &verified_, &metrics_, &logger_};
  Reviewer reviewer(ctx, &alerts_);
  EXPECT_THAT(
      reviewer.Review("nope", policy_),
      StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("received invalid json")));
  EXPECT_TRUE(alerts_.events.empty());
}

}  // namespace
}  // namespace connaisseur::admission
