// AlertTemplate and AlertDispatcher: the shipped templates, substitution and merging, and alerts
// received by a loopback HTTP receiver.
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>

#include "runtime/alerting/alert_dispatcher.h"
#include "runtime/alerting/alert_template.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/status_matchers.h"

// Allocation failure on demand, on the calling thread only (other threads allocate as usual):
// once ArmSecondLargeAllocationFailure(n) is called, the second allocation of n bytes or more on
// this thread throws std::bad_alloc, and the trap disarms itself.
namespace {
thread_local std::size_t large_allocation_trap = 0;
thread_local int large_allocations_seen = 0;

void ArmSecondLargeAllocationFailure(std::size_t bytes) {
  large_allocations_seen = 0;
  large_allocation_trap = bytes;
}
}  // namespace

void* operator new(std::size_t size) {
  if (large_allocation_trap != 0 && size >= large_allocation_trap &&
      ++large_allocations_seen == 2) {
    large_allocation_trap = 0;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace connaisseur::alerting {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(AlertTemplateTest, ShippedTemplatesRenderEveryValueEscaped) {
  AlertValues v{"CONNAISSEUR rejected a request: \"bad\"\n",
                "3",
                "pod-1",
                "prod",
                "team-a",
                "2024-01-02 03:04:05 +0000 UTC",
                "uid-9",
                "a:1, b:2"};
  for (const char* name : {"slack", "opsgenie", "keybase", "msteams", "ecs-1-12-0"}) {
    auto t = AlertTemplate::Parse(ShippedTemplate(name), name);
    ASSERT_THAT(t, IsOk()) << name;
    auto out = t->Render(v, json::object());
    ASSERT_THAT(out, IsOk()) << name;
    const std::string text = json::parse(*out).dump();
    for (const std::string& value : {std::string("uid-9"), std::string("a:1, b:2")}) {
      EXPECT_NE(text.find(value), std::string::npos) << name << ": " << text;
    }
    EXPECT_NE(text.find("\\\"bad\\\""), std::string::npos) << name << ": " << text;
  }
}

TEST(AlertTemplateTest, MergesPayloadFieldsAndSortsKeysCompactly) {
  auto t =
      AlertTemplate::Parse(R"({"message": "{{alert_message}}", "cluster": "{{ cluster }}"})", "t");
  ASSERT_THAT(t, IsOk());
  AlertValues v;
  v.alert_message = "CONNAISSEUR admitted a request";
  v.cluster = "test";
  EXPECT_EQ(*t->Render(v, json::object()),
            R"({"cluster":"test","message":"CONNAISSEUR admitted a request"})");
  EXPECT_EQ(*t->Render(v, {{"message", "over"}, {"a", 1}}),
            R"({"a":1,"cluster":"test","message":"over"})");
  auto empty = AlertTemplate::Parse("{}", "e");
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(*empty->Render(v, json::object()), "");
}

TEST(AlertTemplateTest, RejectsUnknownPlaceholdersAndNonJson) {
  const std::string reject[] = {R"({"a": "{{ secret }}"})", R"({"a": "{{ cluster "})",
                                R"({"a": {{ cluster }}})", "not json", "[1]"};
  for (const std::string& text : reject) {
    EXPECT_THAT(AlertTemplate::Parse(text, "bad"),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad")))
        << text;
  }
}

class AlertDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::TestHttpsServer::Start("", "", [this](const testing::TestRequest& r) {
      std::lock_guard lock(mu_);
      received_.push_back(r);
      testing::TestResponse resp;
      resp.status = r.path == "/fail" ? 500 : 200;
      return resp;
    });
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
    net::TlsOptions tls;
    tls.allow_plain_http = true;
    auto client = net::HttpClient::Create(tls);
    ASSERT_THAT(client, IsOk());
    client_ = std::move(client).value();
  }

  config::AlertReceiver Receiver(std::string path, bool mandatory) {
    config::AlertReceiver r;
    r.template_name = "opsgenie";
    r.receiver_url = server_->url() + path;
    r.priority = 2;
    r.custom_headers = {"Authorization:  Bearer t0ken  ", "X-Team: a"};
    r.payload_fields = {{"responders", {{{"type", "team"}}}}};
    r.fail_if_alert_sending_fails = mandatory;
    return r;
  }

  std::unique_ptr<AlertDispatcher> Dispatcher() {
    AlertDispatcherOptions o;
    o.config = &config_;
    o.template_dir = "/nonexistent";
    o.pod_name = "connaisseur-pod";
    o.client = client_.get();
    o.logger = &logger_;
    auto d = AlertDispatcher::Create(o);
    EXPECT_THAT(d, IsOk());
    return d.ok() ? std::move(d).value() : nullptr;
  }

  config::AlertingConfig config_;
  log::NullLogger logger_;
  std::unique_ptr<testing::TestHttpsServer> server_;
  std::unique_ptr<net::HttpClient> client_;
  std::mutex mu_;
  std::vector<testing::TestRequest> received_;
};

TEST_F(AlertDispatcherTest, ReceiverGetsTheFilledTemplateWithTrimmedHeaders) {
  config_.cluster_identifier = "prod";
  config_.admit_request = {Receiver("/ok", true)};
  auto d = Dispatcher();
  ASSERT_NE(d, nullptr);
  AlertEvent e{true, "CONNAISSEUR admitted a request", "uid-1", "team-a", {"nginx:1", "redis"}};
  ASSERT_THAT(d->Notify(e, Deadline::In(std::chrono::seconds(10))), IsOk());
  std::lock_guard lock(mu_);
  ASSERT_EQ(received_.size(), 1u);
  const testing::TestRequest& r = received_[0];
  ASSERT_NE(r.Header("authorization"), nullptr);
  EXPECT_EQ(*r.Header("authorization"), "Bearer t0ken");
  EXPECT_EQ(*r.Header("content-type"), "application/json");
  json body = json::parse(r.body);
  EXPECT_EQ(body["message"], "CONNAISSEUR admitted a request");
  EXPECT_EQ(body["priority"], "P2");
  EXPECT_EQ(body["details"]["cluster"], "prod");
  EXPECT_EQ(body["details"]["namespace"], "team-a");
  EXPECT_EQ(body["details"]["pod"], "connaisseur-pod");
  EXPECT_EQ(body["details"]["request_id"], "uid-1");
  EXPECT_NE(body["alias"].get<std::string>().find("nginx:1, redis"), std::string::npos);
  EXPECT_EQ(body["responders"], json({{{"type", "team"}}}));  // payloadFields win
  EXPECT_EQ(r.body, body.dump());                             // compact, sorted
}

TEST_F(AlertDispatcherTest, MandatoryFailureDeniesOptionalFailureDoesNot) {
  config_.reject_request = {Receiver("/ok", false), Receiver("/fail", false)};
  auto d = Dispatcher();
  ASSERT_NE(d, nullptr);
  AlertEvent e{false, "CONNAISSEUR rejected a request: x", "uid-2", "ns", {}};
  EXPECT_THAT(d->Notify(e, Deadline::In(std::chrono::seconds(10))), IsOk());
  d.reset();  // drains the fire-and-forget queue
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(received_.size(), 2u);
  }
  config_.reject_request = {Receiver("/ok", true), Receiver("/fail", true)};
  d = Dispatcher();
  ASSERT_NE(d, nullptr);
  EXPECT_THAT(d->Notify(e, Deadline::In(std::chrono::seconds(10))),
              StatusIs(StatusCode::kUnavailable,
                       ::testing::StartsWith(" error sending notifications: failed sending a "
                                             "notification for receiver opsgenie-1 with "
                                             "FailOnError set: receiver answered HTTP 500")));
}

// A throw in Notify while a mandatory receiver's thread runs (here: copying the event for an
// optional receiver's queue fails) must wait for that thread and reach the caller, never end the
// process in std::terminate (a joinable std::thread destroyed by the unwinding).
TEST_F(AlertDispatcherTest, ThrowWhileAMandatoryAlertIsInFlightReachesTheCaller) {
  config_.reject_request = {Receiver("/ok", true), Receiver("/ok", false)};
  auto d = Dispatcher();
  ASSERT_NE(d, nullptr);
  // The message is the only allocation this large on this thread: first the copy into the
  // alert's values (allowed), then the copy queued for the optional receiver (fails).
  const std::size_t large = 256 << 10;
  AlertEvent e{false, std::string(large, 'x'), "uid-3", "ns", {}};
  ArmSecondLargeAllocationFailure(large);
  EXPECT_THROW((void)d->Notify(e, Deadline::In(std::chrono::seconds(10))), std::bad_alloc);
  ArmSecondLargeAllocationFailure(0);
  d.reset();
  std::lock_guard lock(mu_);
  EXPECT_EQ(received_.size(), 1u) << "the mandatory alert was sent before Notify returned";
}

TEST_F(AlertDispatcherTest, MissingTemplateIsAConfigError) {
  config::AlertReceiver r = Receiver("/ok", false);
  r.template_name = "nosuch";
  config_.admit_request = {r};
  AlertDispatcherOptions o{&config_, "/nonexistent", "", client_.get(), nullptr, &logger_};
  EXPECT_THAT(AlertDispatcher::Create(o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("nosuch")));
}

}  // namespace
}  // namespace connaisseur::alerting
