// HttpClient against a loopback civetweb server with a throw-away CA: TLS trust, protocol
// allow-list, redirects, body cap, deadlines, connection reuse and thread safety.
#include "runtime/net/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::net {
namespace {

using ::testing::HasSubstr;
using testing::TestCa;
using testing::TestHttpsServer;
using testing::TestRequest;
using testing::TestResponse;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GlobalInit();
    ca_ = TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
  }

  // Starts an https server answering with `handler`.
  void Serve(TestHttpsServer::Handler handler, bool tls = true) {
    auto server = TestHttpsServer::Start(tls ? ca_->server_cert_pem() : "",
                                         tls ? ca_->server_key_pem() : "", std::move(handler));
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
  }

  std::unique_ptr<HttpClient> Client(TlsOptions options) {
    auto client = HttpClient::Create(options);
    EXPECT_THAT(client, IsOk());
    return client.ok() ? std::move(client).value() : nullptr;
  }
  std::unique_ptr<HttpClient> TrustingClient() {
    return Client(TlsOptions{.extra_ca_pem = ca_->ca_cert_pem()});
  }

  HttpRequest Get(const std::string& path) {
    HttpRequest request;
    request.url = server_->url() + path;
    request.deadline = Deadline::In(std::chrono::seconds(20));
    return request;
  }

  const TestCa* ca_ = nullptr;
  std::unique_ptr<TestHttpsServer> server_;
};

TEST_F(HttpClientTest, ReturnsStatusBodyAndLowerCasedHeadersOverTrustedTls) {
  Serve([](const TestRequest& r) {
    return TestResponse{.status = 201, .headers = {{"X-Echo-Path", r.path}}, .body = "hello"};
  });
  auto response = TrustingClient()->Send(Get("/some/path.json"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello");
  ASSERT_NE(response->Header("x-echo-path"), nullptr);
  EXPECT_EQ(*response->Header("x-echo-path"), "/some/path.json");
  EXPECT_EQ(response->Header("X-Echo-Path"), nullptr) << "lookups take lower-case names";
}

TEST_F(HttpClientTest, RejectsServerSignedByUntrustedCa) {
  Serve([](const TestRequest&) { return TestResponse{.body = "secret"}; });
  auto response = Client(TlsOptions{})->Send(Get("/"));
  EXPECT_THAT(response, StatusIs(StatusCode::kUnavailable, HasSubstr("127.0.0.1")));
}

TEST_F(HttpClientTest, RejectsServerWhenAnotherCaIsConfigured) {
  auto other = TestCa::Create();
  ASSERT_THAT(other, IsOk());
  Serve([](const TestRequest&) { return TestResponse{.body = "secret"}; });
  auto response = Client(TlsOptions{.extra_ca_pem = (*other)->ca_cert_pem()})->Send(Get("/"));
  EXPECT_THAT(response, StatusIs(StatusCode::kUnavailable, ::testing::_));
}

TEST_F(HttpClientTest, RefusesPlainHttpUnlessAllowed) {
  Serve([](const TestRequest&) { return TestResponse{.body = "plain"}; }, /*tls=*/false);
  EXPECT_THAT(TrustingClient()->Send(Get("/")),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  auto response = Client(TlsOptions{.allow_plain_http = true})->Send(Get("/"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body, "plain");
}

TEST_F(HttpClientTest, RefusesOtherProtocols) {
  auto client = Client(TlsOptions{.allow_plain_http = true});
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
    HttpRequest request;
    request.url = url;
    EXPECT_THAT(client->Send(request), StatusIs(StatusCode::kInvalidArgument, ::testing::_)) << url;
  }
}

TEST_F(HttpClientTest, DoesNotFollowRedirects) {
  Serve([](const TestRequest& r) {
    if (r.path == "/elsewhere") return TestResponse{.body = "followed"};
    return TestResponse{.status = 302, .headers = {{"Location", "/elsewhere"}}};
  });
  auto response = TrustingClient()->Send(Get("/start"));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(server_->requests(), 1u);
}

TEST_F(HttpClientTest, EnforcesTheBodyCap) {
  Serve([](const TestRequest& r) {
    return TestResponse{.body = std::string(r.path == "/big" ? 5000 : 4096, 'x')};
  });
  auto client = TrustingClient();
  HttpRequest at_cap = Get("/exact");
  at_cap.max_body_bytes = 4096;
  EXPECT_THAT(client->Send(at_cap), IsOk());
  HttpRequest over = Get("/big");
  over.max_body_bytes = 4096;
  EXPECT_THAT(client->Send(over), StatusIs(StatusCode::kResourceExhausted,
                                           HasSubstr("response body exceeds 4096 bytes")));
}

TEST_F(HttpClientTest, EnforcesTheBodyCapWithoutContentLength) {
  // No Content-Length: the cap must hold in the write callback as the bytes arrive.
  Serve([](const TestRequest&) {
    return TestResponse{.body = std::string(100000, 'y'), .omit_content_length = true};
  });
  HttpRequest request = Get("/");
  request.max_body_bytes = 4096;
  EXPECT_THAT(TrustingClient()->Send(request),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("exceeds 4096 bytes")));
  request.max_body_bytes = 100000;
  auto response = TrustingClient()->Send(request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body.size(), 100000u);
}

TEST_F(HttpClientTest, TimesOutAtTheDeadline) {
  Serve([](const TestRequest&) {
    return TestResponse{.body = "late", .delay = std::chrono::seconds(30)};
  });
  HttpRequest request = Get("/slow");
  request.deadline = Deadline::In(std::chrono::milliseconds(300));
  EXPECT_THAT(TrustingClient()->Send(request),
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("/slow")));
}

TEST_F(HttpClientTest, FailsAtOnceWhenTheDeadlineHasPassed) {
  Serve([](const TestRequest&) { return TestResponse{}; });
  HttpRequest request = Get("/");
  request.deadline = Deadline::In(std::chrono::milliseconds(0));
  EXPECT_THAT(TrustingClient()->Send(request),
              StatusIs(StatusCode::kDeadlineExceeded, ::testing::_));
  EXPECT_EQ(server_->requests(), 0u);
}

TEST_F(HttpClientTest, ReportsAClosedPortAsUnavailable) {
  Serve([](const TestRequest&) { return TestResponse{}; });
  std::string url = server_->url();
  server_.reset();
  HttpRequest request;
  request.url = url + "/";
  request.deadline = Deadline::In(std::chrono::seconds(10));
  EXPECT_THAT(TrustingClient()->Send(request), StatusIs(StatusCode::kUnavailable, ::testing::_));
}

TEST_F(HttpClientTest, SendsMethodHeadersAndBody) {
  Serve([](const TestRequest& r) {
    const std::string* auth = r.Header("authorization");
    return TestResponse{.body = r.method + "|" + (auth ? *auth : "-") + "|" + r.body};
  });
  HttpRequest request = Get("/post");
  request.method = "POST";
  request.headers = {{"Authorization", "Bearer abc"}};
  request.body = "payload";
  auto response = TrustingClient()->Send(request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body, "POST|Bearer abc|payload");
}

TEST_F(HttpClientTest, ReusesOneConnectionForSequentialRequests) {
  Serve([](const TestRequest&) { return TestResponse{.body = "ok"}; });
  auto client = TrustingClient();
  for (int i = 0; i < 5; ++i) ASSERT_THAT(client->Send(Get("/")), IsOk()) << i;
  EXPECT_EQ(server_->requests(), 5u);
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(HttpClientTest, ServesConcurrentCallersFromOneClient) {
  Serve([](const TestRequest& r) { return TestResponse{.body = r.path}; });
  auto client = TrustingClient();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string path = "/" + std::to_string(t) + "/" + std::to_string(i);
        auto response = client->Send(Get(path));
        if (!response.ok() || response->body != path) failures.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server_->requests(), 40u);
}

TEST_F(HttpClientTest, SendsABatchConcurrentlyWithOneResultPerRequestInOrder) {
  Serve([](const TestRequest& r) {
    if (r.path == "/missing") return TestResponse{.status = 404};
    if (r.path == "/slow") return TestResponse{.body = "late", .delay = std::chrono::seconds(30)};
    return TestResponse{.body = r.path + std::string(r.path == "/big" ? 100 : 0, '.')};
  });
  struct Case {
    std::string path;
    long status;  // expected HTTP status when the transfer succeeds
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"/a", 200, StatusCode::kOk},
      {"/missing", 404, StatusCode::kOk},
      {"/big", 0, StatusCode::kResourceExhausted},
      {"/slow", 0, StatusCode::kDeadlineExceeded},
      {"/b", 200, StatusCode::kOk},
  };
  std::vector<HttpRequest> requests;
  for (const Case& c : cases) {
    HttpRequest request = Get(c.path);
    request.max_body_bytes = 50;
    request.deadline = Deadline::In(std::chrono::milliseconds(c.path == "/slow" ? 300 : 20000));
    requests.push_back(request);
  }
  auto client = TrustingClient();
  auto results = client->SendAll(requests);
  ASSERT_EQ(results.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    EXPECT_EQ(results[i].status().code(), c.code)
        << c.path << ": " << results[i].status().ToString();
    if (c.code != StatusCode::kOk || !results[i].ok()) continue;
    EXPECT_EQ(results[i]->status, c.status) << c.path;
    if (c.status == 200) {
      EXPECT_EQ(results[i]->body, c.path) << c.path;
    }
  }
}

TEST_F(HttpClientTest, KeepsBatchConnectionsAliveForTheNextBatch) {
  Serve([](const TestRequest& r) { return TestResponse{.body = r.path}; });
  auto client = TrustingClient();
  const std::vector<HttpRequest> requests = {Get("/1"), Get("/2"), Get("/3")};
  for (int round = 0; round < 3; ++round) {
    for (auto& result : client->SendAll(requests)) ASSERT_THAT(result, IsOk()) << round;
  }
  EXPECT_EQ(server_->requests(), 9u);
  EXPECT_LE(server_->connections(), 3u) << "at most one connection per concurrent request";
}

TEST(HttpClientCreateTest, RejectsCaBundlesThatAreNotCertificates) {
  GlobalInit();
  for (const char* pem :
       {"garbage", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}) {
    EXPECT_THAT(HttpClient::Create(TlsOptions{.extra_ca_pem = pem}),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("CA bundle")))
        << pem;
  }
  EXPECT_THAT(HttpClient::Create(TlsOptions{.extra_ca_pem = "  \n"}), IsOk());
}

}  // namespace
}  // namespace connaisseur::net
