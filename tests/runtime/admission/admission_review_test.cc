// ParseAdmissionReview and CheckJsonNesting: what the webhook accepts before any pipeline runs.
#include "runtime/admission/admission_review.h"

#include <gtest/gtest.h>

#include "runtime/admission/json_nesting.h"
#include "tests/runtime/admission/admission_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using ::testing::HasSubstr;
using testing::PodReview;

TEST(AdmissionReviewTest, ParsesV1AndV1beta1Reviews) {
  for (const char* version : {"admission.k8s.io/v1", "admission.k8s.io/v1beta1"}) {
    nlohmann::json doc = PodReview({"nginx"});
    doc["apiVersion"] = version;
    doc["request"]["dryRun"] = true;
    auto review = ParseAdmissionReview(doc.dump());
    ASSERT_THAT(review, IsOk()) << version;
    EXPECT_EQ(review->api_version, version);
    EXPECT_EQ(review->uid, "uid-1") << version;
    EXPECT_EQ(review->kind, "Pod") << version;
    EXPECT_EQ(review->namespace_name, "default") << version;
    EXPECT_EQ(review->name, "p") << version;  // from object.metadata when request.name is absent
    EXPECT_EQ(review->operation, "CREATE") << version;
    EXPECT_TRUE(review->dry_run) << version;
    EXPECT_TRUE(review->object().is_object()) << version;
    EXPECT_TRUE(review->old_object().is_null()) << version;
  }
}

TEST(AdmissionReviewTest, RejectsMalformedBodiesWithThePlainTextAnswer) {
  nlohmann::json no_request = PodReview({"nginx"});
  no_request.erase("request");
  nlohmann::json null_request = PodReview({"nginx"});
  null_request["request"] = nullptr;
  nlohmann::json wrong_kind = PodReview({"nginx"});
  wrong_kind["kind"] = "ConfigMap";
  nlohmann::json wrong_version = PodReview({"nginx"});
  wrong_version["apiVersion"] = "admission.k8s.io/v2";
  nlohmann::json no_uid = PodReview({"nginx"});
  no_uid["request"].erase("uid");
  nlohmann::json no_gvk = PodReview({"nginx"});
  no_gvk["request"].erase("kind");
  nlohmann::json bad_dry_run = PodReview({"nginx"});
  bad_dry_run["request"]["dryRun"] = "yes";
  nlohmann::json bad_namespace = PodReview({"nginx"});
  bad_namespace["request"]["namespace"] = 7;
  struct Case {
    std::string body;
    std::string message;
  } cases[] = {
      {"", "received invalid json"},
      {"not json", "received invalid json"},
      {"{}", "received invalid json"},
      {"[]", "received invalid json"},
      {"{\"apiVersion\": ", "received invalid json"},
      {PodReview({"nginx"}).dump() + "trailing", "received invalid json"},
      {no_request.dump(), "received empty admission request"},
      {null_request.dump(), "received empty admission request"},
      {wrong_kind.dump(), "kind is not AdmissionReview"},
      {wrong_version.dump(), "unsupported apiVersion"},
      {no_uid.dump(), "request.uid missing"},
      {no_gvk.dump(), "request.kind.kind missing"},
      {bad_dry_run.dump(), "request.dryRun"},
      {bad_namespace.dump(), "request.namespace"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseAdmissionReview(c.body),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.body;
  }
}

TEST(AdmissionReviewTest, RejectsDeepNestingBeforeParsing) {
  // 100,000 levels: nlohmann would parse it, but any recursive walk would overflow the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  nlohmann::json doc = PodReview({"nginx"});
  std::string body = doc.dump();
  body.insert(body.size() - 1, ",\"x\":" + deep);
  EXPECT_THAT(ParseAdmissionReview(body),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("nested deeper than 256")));
}

TEST(AdmissionReviewTest, RejectsBytesHiddenAfterANulByte) {
  // nlohmann's lexer takes NUL for the end of the input: a valid review followed by
  // "\0GARBAGE" was answered as if the garbage were not there.
  std::string body = PodReview({"nginx"}).dump();
  body += std::string("\0GARBAGE", 8);
  EXPECT_THAT(ParseAdmissionReview(body),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("NUL byte")));
  EXPECT_THAT(ParseAdmissionReview(PodReview({"nginx"}).dump() + " \r\n"), IsOk());
}

TEST(AdmissionReviewTest, ChargesTheTreeToTheMemoryBudgetBeforeParsing) {
  std::string zeros = "0";
  for (int i = 1; i < 100000; ++i) zeros += ",0";
  std::string body = PodReview({"nginx"}).dump();
  body.insert(body.size() - 1, ",\"pad\":[" + zeros + "]");
  http::MemoryBudget budget(1 << 20);  // the tree of 100,000 zeros needs more than 1 MiB
  http::MemoryReservation alone(&budget);
  EXPECT_THAT(ParseAdmissionReview(body, &alone),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("memory budget")));

  const std::string pod = PodReview({"nginx"}).dump();
  http::MemoryReservation held(&budget);  // requests in flight hold all but 1 KiB
  ASSERT_THAT(held.Grow((1 << 20) - 1024), IsOk());
  http::MemoryReservation late(&budget);
  EXPECT_THAT(ParseAdmissionReview(pod, &late),
              StatusIs(StatusCode::kUnavailable, HasSubstr("memory budget")));
  held = http::MemoryReservation();
  http::MemoryReservation fits(&budget);
  EXPECT_THAT(ParseAdmissionReview(pod, &fits), IsOk());
  EXPECT_GT(fits.bytes(), pod.size()) << "the tree costs more than its text";
}

TEST(AdmissionReviewTest, RejectsBodiesAboveEightMebibytes) {
  std::string body = PodReview({"nginx"}).dump();
  body.insert(body.size() - 1, ",\"pad\":\"" + std::string(kMaxReviewBytes, 'a') + "\"");
  EXPECT_THAT(ParseAdmissionReview(body), StatusIs(StatusCode::kResourceExhausted, HasSubstr("8")));
}

TEST(JsonNestingTest, AcceptsShallowAndCountsOnlyStructure) {
  const std::string accept[] = {
      "{}", std::string(256, '[') + std::string(256, ']'),
      "{\"a\":\"" + std::string(1000, '[') + "\"}",  // brackets inside a string do not count
      "{\"a\":\"\\\"[[[[\"}",                        // escaped quote does not end the string
  };
  for (const std::string& text : accept) {
    EXPECT_THAT(CheckJsonNesting(text), IsOk()) << text.substr(0, 80);
  }
  const std::string reject[] = {
      std::string(257, '[') + std::string(257, ']'), std::string(300, '{'),
      "{\"a\":\"\\\\\"" + std::string(300, '['),  // an escaped backslash does end the string
  };
  for (const std::string& text : reject) {
    EXPECT_THAT(CheckJsonNesting(text), StatusIs(StatusCode::kInvalidArgument, HasSubstr("256")))
        << text.substr(0, 80);
  }
}

}  // namespace
}  // namespace connaisseur::admission
