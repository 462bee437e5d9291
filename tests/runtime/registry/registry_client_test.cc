// RegistryClient against a scripted loopback server: digest checks, every error status, caps,
// deadlines, Basic and Bearer auth. The happy paths also run against docker-registry itself in
// tests/integration/registry.
#include "runtime/registry/registry_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::registry {
namespace {

using ::connaisseur::testing::TestHttpsServer;
using ::connaisseur::testing::TestRequest;
using ::connaisseur::testing::TestResponse;
using ::testing::HasSubstr;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})";

std::string Host(const TestHttpsServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

std::unique_ptr<RegistryClient> Client(RegistryOptions options = {}) {
  options.plain_http = options.ca_pem.empty();
  auto c = RegistryClient::Create(std::move(options));
  EXPECT_THAT(c, IsOk());
  return std::move(c).value();
}

std::unique_ptr<TestHttpsServer> Serve(TestHttpsServer::Handler h) {
  auto s = TestHttpsServer::Start("", "", std::move(h));
  EXPECT_THAT(s, IsOk());
  return std::move(s).value();
}

TestResponse ManifestResponse(std::string body, std::string digest_header) {
  TestResponse r;
  r.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
  if (!digest_header.empty()) r.headers.emplace_back("Docker-Content-Digest", digest_header);
  r.body = std::move(body);
  return r;
}

TEST(RegistryClientTest, ResolvesATagToTheDigestOfTheBytesServed) {
  std::string accept;
  auto server = Serve([&](const TestRequest& req) {
    if (req.path != "/v2/team/app/manifests/v1") return TestResponse{404};
    accept = req.Header("accept") ? *req.Header("accept") : "";
    return ManifestResponse(kManifest, crypto::OciDigest(kManifest));
  });
  auto m = Client()->GetManifest(Host(*server), "team/app", "v1", Soon());
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->digest, crypto::OciDigest(kManifest));
  EXPECT_EQ(m->body, kManifest);
  EXPECT_EQ(m->media_type, "application/vnd.oci.image.manifest.v1+json");
  for (const char* type :
       {"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json"}) {
    EXPECT_THAT(accept, HasSubstr(type)) << type;
  }
}

struct BadResponseCase {
  std::string name;
  std::string reference;
  TestResponse response;
  StatusCode code;
  std::string message;
  // What a failure prints for the parameter: its name, not its bytes.
  friend void PrintTo(const BadResponseCase& c, std::ostream* os) { *os << c.name; }
};

std::vector<BadResponseCase> BadResponses() {
  TestResponse slow = ManifestResponse(kManifest, "");
  slow.delay = std::chrono::milliseconds(5000);  // past the 1.5 s deadline of the request
  return {
      {"digest header disagrees", "v1", ManifestResponse(kManifest, crypto::OciDigest("other")),
       StatusCode::kVerificationFailed, "Docker-Content-Digest"},
      {"digest reference, other bytes", crypto::OciDigest("x"), ManifestResponse(kManifest, ""),
       StatusCode::kVerificationFailed, "hash to"},
      {"404", "v1", TestResponse{404}, StatusCode::kNotFound, "not found"},
      {"MANIFEST_UNKNOWN", "v1",
       TestResponse{400, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"}, StatusCode::kNotFound,
       "MANIFEST_UNKNOWN"},
      {"500", "v1", TestResponse{500}, StatusCode::kUnavailable, "answered 500"},
      {"403", "v1", TestResponse{403}, StatusCode::kPermissionDenied, "answered 403"},
      {"401 without challenge", "v1", TestResponse{401}, StatusCode::kPermissionDenied,
       "without a challenge"},
      {"oversized", "v1", ManifestResponse(std::string(5u << 20, ' '), ""),
       StatusCode::kResourceExhausted, "response body exceeds 4194304 bytes"},
      {"slow", "v1", slow, StatusCode::kDeadlineExceeded, "timed out"},
  };
}

class RegistryBadResponseTest : public ::testing::TestWithParam<BadResponseCase> {};

TEST_P(RegistryBadResponseTest, IsDeniedWithItsOwnMessage) {
  const BadResponseCase& c = GetParam();
  auto server = Serve([&](const TestRequest&) { return c.response; });
  auto m = Client()->GetManifest(Host(*server), "team/app", c.reference,
                                 Deadline::In(std::chrono::milliseconds(1500)));
  EXPECT_THAT(m, StatusIs(c.code, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(BadResponses, RegistryBadResponseTest, ::testing::ValuesIn(BadResponses()),
                         ::connaisseur::testing::NameOfCase());

TEST(RegistryClientTest, DeniesWhenTheRegistryIsDown) {
  int port;
  {
    auto server = Serve([](const TestRequest&) { return TestResponse{200}; });
    port = server->port();
  }
  auto m = Client()->GetManifest("127.0.0.1:" + std::to_string(port), "a/b", "v1", Soon());
  EXPECT_THAT(m, StatusIs(StatusCode::kUnavailable, HasSubstr("manifest a/b:v1")));
}

TEST(RegistryClientTest, VerifiesBlobsAgainstDigestAndSize) {
  const std::string blob = "{\"payload\":1}";
  const std::string digest = crypto::OciDigest(blob);
  auto server = Serve([&](const TestRequest& req) {
    if (req.path == "/v2/a/b/blobs/" + digest) return TestResponse{200, {}, blob};
    return TestResponse{200, {}, "tampered"};
  });
  auto client = Client();
  auto ok = client->GetBlob(Host(*server), "a/b", digest, blob.size(), Soon());
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(*ok, blob);
  EXPECT_THAT(client->GetBlob(Host(*server), "a/b", digest, blob.size() + 1, Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("size")));
  const std::string other = crypto::OciDigest("tampered!");
  EXPECT_THAT(client->GetBlob(Host(*server), "a/b", other, -1, Soon()),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("hashes to")));
  EXPECT_THAT(client->GetBlob(Host(*server), "a/b", digest, 100u << 20, Soon()),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("exceeds")));
}

// Docker Hub, ghcr.io and quay.io answer blob GETs with 307 to pre-signed storage on another host.
TEST(RegistryClientTest, FollowsABlobRedirectToAnotherHostWithoutTheRegistrysCredentials) {
  const std::string blob = "{\"payload\":2}";
  const std::string digest = crypto::OciDigest(blob);
  const std::string basic = "Basic " + crypto::Base64Encode("user:pass");
  std::atomic<int> storage_requests{0};
  std::string storage_auth = "unset", storage_query;
  auto storage = Serve([&](const TestRequest& req) {
    ++storage_requests;
    storage_auth = req.Header("authorization") ? *req.Header("authorization") : "";
    storage_query = req.query;
    return TestResponse{200, {}, blob};
  });
  auto registry = Serve([&](const TestRequest& req) {
    const std::string* auth = req.Header("authorization");
    if (auth == nullptr || *auth != basic) {
      return TestResponse{401, {{"WWW-Authenticate", "Basic realm=\"registry\""}}};
    }
    if (req.path == "/v2/a/b/blobs/" + digest) {  // same origin first, then the storage host
      return TestResponse{307, {{"Location", "/v2/a/b/blobs/moved/" + digest}}};
    }
    return TestResponse{307,
                        {{"Location", "http://" + Host(*storage) + "/objects/1?X-Signature=abc"}}};
  });
  RegistryOptions options;
  options.credentials = net::BasicCredentials{"user", "pass"};
  auto got = Client(options)->GetBlob(Host(*registry), "a/b", digest, blob.size(), Soon());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, blob);
  EXPECT_EQ(storage_requests.load(), 1);
  EXPECT_EQ(storage_auth, "") << "the registry's credentials went to the storage host";
  EXPECT_EQ(storage_query, "X-Signature=abc");
}

struct BadRedirectCase {
  std::string name;
  // The Location the registry answers with; "{storage}" is replaced by the storage host.
  std::string location;
  StatusCode code;
  std::string message;
};

class BlobRedirectTest : public ::testing::TestWithParam<BadRedirectCase> {};

TEST_P(BlobRedirectTest, IsRefusedWithItsOwnMessage) {
  const std::string blob = "{\"payload\":3}";
  const std::string digest = crypto::OciDigest(blob);
  auto storage = Serve([&](const TestRequest&) { return TestResponse{200, {}, "not the blob"}; });
  auto registry = Serve([&](const TestRequest& req) {
    std::string location = GetParam().location;
    if (auto at = location.find("{storage}"); at != std::string::npos) {
      location.replace(at, 9, Host(*storage));
    }
    if (location.empty()) return TestResponse{302};
    if (location == "loop") location = req.path;
    return TestResponse{307, {{"Location", location}}};
  });
  EXPECT_THAT(Client()->GetBlob(Host(*registry), "a/b", digest, -1, Soon()),
              StatusIs(GetParam().code, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Redirects, BlobRedirectTest,
    ::testing::Values(
        BadRedirectCase{"Loop", "loop", StatusCode::kUnavailable, "more than 5 redirects"},
        BadRedirectCase{"NoLocation", "", StatusCode::kUnavailable, "302 without a Location"},
        BadRedirectCase{"OtherScheme", "ftp://{storage}/blob", StatusCode::kUnavailable,
                        "only https URLs are followed"},
        BadRedirectCase{"RelativePath", "blob", StatusCode::kUnavailable,
                        "only https URLs are followed"},
        BadRedirectCase{"WrongBytes", "http://{storage}/blob", StatusCode::kVerificationFailed,
                        "hashes to"},
        BadRedirectCase{"ClosedPort", "http://127.0.0.1:1/blob", StatusCode::kUnavailable,
                        "redirect to http://127.0.0.1:1"}),
    [](const auto& info) { return info.param.name; });

TEST(RegistryClientTest, FollowsBlobRedirectsOnlyToHttpsFromAnHttpsRegistry) {
  const auto* ca = testing::TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto storage = Serve([](const TestRequest&) { return TestResponse{200, {}, "blob"}; });
  auto registry =
      TestHttpsServer::Start(ca->server_cert_pem(), ca->server_key_pem(), [&](const TestRequest&) {
        return TestResponse{307, {{"Location", "http://" + Host(*storage)}}};
      });
  ASSERT_THAT(registry, IsOk());
  RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  EXPECT_THAT(
      Client(options)->GetBlob(Host(**registry), "a/b", crypto::OciDigest("blob"), -1, Soon()),
      StatusIs(StatusCode::kUnavailable, HasSubstr("only https URLs are followed")));
  EXPECT_EQ(storage->requests(), 0u);
}

TEST(RegistryClientTest, AsksAgainAfterA429WhoseRetryAfterEndsBeforeTheDeadline) {
  std::atomic<int> calls{0};
  auto server = Serve([&](const TestRequest&) {
    if (++calls == 1) return TestResponse{429, {{"Retry-After", "1"}}};
    return ManifestResponse(kManifest, "");
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(Client()->GetManifest(Host(*server), "a/b", "v1", Soon()), IsOk());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(calls.load(), 2);
}

TEST(RegistryClientTest, A429ThatAsksForMoreThanTheDeadlineLeavesIsTheAnswerAtOnce) {
  for (const char* retry_after : {"30", "", "Wed, 21 Oct 2026 07:28:00 GMT"}) {
    std::atomic<int> calls{0};
    auto server = Serve([&](const TestRequest&) {
      ++calls;
      TestResponse r{429};
      if (*retry_after != '\0') r.headers.emplace_back("Retry-After", retry_after);
      return r;
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THAT(Client()->GetManifest(Host(*server), "a/b", "v1", Soon()),
                StatusIs(StatusCode::kUnavailable, HasSubstr("429 (rate limited")))
        << retry_after;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << retry_after;
    EXPECT_EQ(calls.load(), 1) << retry_after;
  }
}

TEST(RegistryClientTest, AnswersABasicChallengeOnlyWithTheRightCredentials) {
  const std::string good = "Basic " + crypto::Base64Encode("user:pass");
  auto server = Serve([&](const TestRequest& req) {
    const std::string* auth = req.Header("authorization");
    if (auth == nullptr || *auth != good) {
      return TestResponse{401, {{"WWW-Authenticate", "Basic realm=\"registry\""}}};
    }
    return ManifestResponse(kManifest, "");
  });
  RegistryOptions right;
  right.credentials = net::BasicCredentials{"user", "pass"};
  auto client = Client(right);
  EXPECT_THAT(client->GetManifest(Host(*server), "a/b", "v1", Soon()), IsOk());
  EXPECT_THAT(client->GetManifest(Host(*server), "a/b", "v2", Soon()), IsOk());  // pre-emptive
  RegistryOptions wrong;
  wrong.credentials = net::BasicCredentials{"user", "nope"};
  EXPECT_THAT(Client(wrong)->GetManifest(Host(*server), "a/b", "v1", Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("rejected the credentials")));
  EXPECT_THAT(Client()->GetManifest(Host(*server), "a/b", "v1", Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("requires credentials")));
}

TEST(RegistryClientTest, FetchesABearerTokenForTheRepositoryScopeAndCachesIt) {
  std::atomic<int> token_requests{0};
  std::string scope_asked;
  std::unique_ptr<TestHttpsServer> server;
  server = Serve([&](const TestRequest& req) {
    if (req.path == "/token") {
      ++token_requests;
      scope_asked = req.query;
      const std::string* auth = req.Header("authorization");
      if (auth == nullptr || *auth != "Basic " + crypto::Base64Encode("user:pass")) {
        return TestResponse{401};
      }
      return TestResponse{200, {}, R"({"token":"aaa.bbb.ccc","expires_in":300})"};
    }
    const std::string* auth = req.Header("authorization");
    if (auth == nullptr || *auth != "Bearer aaa.bbb.ccc") {
      return TestResponse{
          401,
          {{"WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" +
                                    std::to_string(server->port()) + "/token\",service=\"reg\""}}};
    }
    return ManifestResponse(kManifest, "");
  });
  RegistryOptions options;
  options.credentials = net::BasicCredentials{"user", "pass"};
  auto client = Client(options);
  EXPECT_THAT(client->GetManifest(Host(*server), "team/app", "v1", Soon()), IsOk());
  EXPECT_THAT(client->GetManifest(Host(*server), "team/app", "v2", Soon()), IsOk());
  EXPECT_EQ(token_requests.load(), 1);
  EXPECT_THAT(scope_asked, HasSubstr("repository%3Ateam%2Fapp%3Apull"));
  RegistryOptions wrong;
  wrong.credentials = net::BasicCredentials{"user", "nope"};
  EXPECT_THAT(Client(wrong)->GetManifest(Host(*server), "team/app", "v1", Soon()),
              StatusIs(StatusCode::kPermissionDenied, ::testing::_));
}

TEST(RegistryClientTest, SpeaksTlsWithTheValidatorsCa) {
  const auto* ca = testing::TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto server =
      TestHttpsServer::Start(ca->server_cert_pem(), ca->server_key_pem(),
                             [](const TestRequest&) { return ManifestResponse(kManifest, ""); });
  ASSERT_THAT(server, IsOk());
  RegistryOptions options;
  options.ca_pem = ca->ca_cert_pem();
  EXPECT_THAT(Client(options)->GetManifest(Host(**server), "a/b", "v1", Soon()), IsOk());
  auto untrusting = RegistryClient::Create(RegistryOptions{});
  ASSERT_THAT(untrusting, IsOk());
  EXPECT_THAT((*untrusting)->GetManifest(Host(**server), "a/b", "v1", Soon()),
              StatusIs(StatusCode::kUnavailable, ::testing::_));
}

TEST(RegistryClientTest, MapsDockerHubToItsApiHost) {
  EXPECT_EQ(RegistryClient::ApiHost("docker.io"), "registry-1.docker.io");
  EXPECT_EQ(RegistryClient::ApiHost("index.docker.io"), "registry-1.docker.io");
  EXPECT_EQ(RegistryClient::ApiHost("ghcr.io"), "ghcr.io");
  EXPECT_EQ(RegistryClient::ApiHost("127.0.0.1:5000"), "127.0.0.1:5000");
}

}  // namespace
}  // namespace connaisseur::registry
