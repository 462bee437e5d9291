// Server: civetweb over TLS on loopback (which needs the OpenSSL 3 shim: without it the first
// HTTPS request crashes the process), body caps, certificate rotation, draining on Stop.
#include "runtime/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "runtime/net/http_client.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::http {
namespace {

using ::testing::HasSubstr;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = testing::TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    net::TlsOptions tls;
    tls.extra_ca_pem = ca_->ca_cert_pem();
    auto client = net::HttpClient::Create(tls);
    ASSERT_THAT(client, IsOk());
    client_ = std::move(client).value();
  }

  std::unique_ptr<Server> StartServer(Handler handler, ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    if (options.cert_file.empty()) {
      options.cert_file = ca_->server_cert_path();
      options.key_file = ca_->server_key_path();
    }
    options.num_threads = 4;
    auto server = Server::Start(options, std::move(handler));
    EXPECT_THAT(server, IsOk());
    return server.ok() ? std::move(server).value() : nullptr;
  }

  StatusOr<net::HttpResponse> Send(const Server& server, std::string method, std::string path,
                                   std::string body = "") {
    net::HttpRequest req;
    req.method = std::move(method);
    req.url = "https://127.0.0.1:" + std::to_string(server.port()) + path;
    req.body = std::move(body);
    req.headers = {{"Content-Type", "application/json"}};
    req.deadline = Deadline::In(std::chrono::seconds(10));
    return client_->Send(req);
  }

  const testing::TestCa* ca_ = nullptr;
  std::unique_ptr<net::HttpClient> client_;
};

Response Echo(const Request& r) {
  return {200, "text/plain", r.method + " " + r.path + " " + r.content_type + " " + r.body};
}

TEST_F(ServerTest, ServesHttpsThroughTheOpenSsl3Shim) {
  auto server = StartServer(Echo);
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 3; ++i) {  // several requests on one kept-alive connection
    auto r = Send(*server, "POST", "/mutate", "{\"a\":1}");
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "POST /mutate application/json {\"a\":1}");
  }
}

TEST_F(ServerTest, RefusesToStartWithoutUsableCertificates) {
  ServerOptions no_files;
  no_files.listen = "127.0.0.1:0";
  EXPECT_THAT(Server::Start(no_files, Echo),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("TLS")));
  ServerOptions swapped = no_files;
  swapped.cert_file = ca_->server_key_path();
  swapped.key_file = ca_->server_cert_path();
  EXPECT_THAT(Server::Start(swapped, Echo), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

TEST_F(ServerTest, AnswersOversizedBodiesWith413WithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.max_body_bytes = 1000;
  auto server = StartServer(
      [&](const Request& r) {
        ++calls;
        return Echo(r);
      },
      options);
  ASSERT_NE(server, nullptr);
  auto r = Send(*server, "POST", "/mutate", std::string(1001, 'x'));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(calls, 0);
  r = Send(*server, "POST", "/mutate", std::string(1000, 'x'));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, SerializesEachResponseAsOneBuffer) {
  EXPECT_EQ(SerializeResponse({405, "text/plain", "Method not allowed.: GET"}),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: 24"
            "\r\n\r\nMethod not allowed.: GET");
}

TEST_F(ServerTest, PicksUpARotatedCertificate) {
  auto dir = testing::MakeTempDir("cn-http-rotate");
  ASSERT_THAT(dir, IsOk());
  const std::string cert = *dir + "/tls.crt", key = *dir + "/tls.key";
  // Start with a self-signed certificate the client does not trust...
  ASSERT_THAT(testing::RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                                  "-nodes -subj /CN=other -days 1 -keyout " +
                                      key + " -out " + cert,
                                  *dir + "/openssl.log"),
              IsOk());
  ServerOptions options;
  options.cert_file = cert;
  options.key_file = key;
  auto server = StartServer(Echo, options);
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(Send(*server, "GET", "/health"), StatusIs(StatusCode::kUnavailable, ::testing::_));
  // ...then rotate the files to the CA-signed pair: new handshakes use it (bounded poll).
  ASSERT_THAT(testing::WriteFile(key, ca_->server_key_pem()), IsOk());
  ASSERT_THAT(testing::WriteFile(cert, ca_->server_cert_pem()), IsOk());
  bool rotated = false;
  for (int i = 0; i < 100 && !rotated; ++i) {
    auto r = Send(*server, "GET", "/health");
    rotated = r.ok() && r->status == 200;
    if (!rotated) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(rotated);
  testing::RunCommand("rm -rf " + *dir, "/dev/null").ok();
}

TEST_F(ServerTest, StopLetsInFlightRequestsFinish) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  auto server = StartServer([&](const Request& r) {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    return Echo(r);
  });
  ASSERT_NE(server, nullptr);
  StatusOr<net::HttpResponse> in_flight = InternalError("not sent");
  std::thread client([&] { in_flight = Send(*server, "POST", "/mutate", "x"); });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
  }
  std::thread stopper([&] { server->Stop(); });
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  stopper.join();
  client.join();
  ASSERT_THAT(in_flight, IsOk());
  EXPECT_EQ(in_flight->status, 200);
}

}  // namespace
}  // namespace connaisseur::http
