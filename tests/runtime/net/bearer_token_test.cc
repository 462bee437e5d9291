// Bearer-token flow: WWW-Authenticate parsing, realm checks, JWT shape, and the token fetch and
// cache against a loopback token server.
#include "runtime/net/bearer_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/encoding.h"
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

constexpr char kJwt[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

TEST(ParseAuthChallengeTest, ParsesBearerParameters) {
  struct Case {
    std::string header, scheme, realm, service, scope;
  } cases[] = {
      {R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")",
       "Bearer", "https://auth.docker.io/token", "registry.docker.io",
       "repository:library/alpine:pull"},
      {R"(Bearer realm="https://a/t", scope="repository:x:pull,push")", "Bearer", "https://a/t", "",
       "repository:x:pull,push"},
      {R"(bearer Realm = "https://a/t" , SERVICE=svc)", "bearer", "https://a/t", "svc", ""},
      {R"(Bearer realm="https://a/\"q\"",service=s)", "Bearer", R"(https://a/"q")", "s", ""},
      {R"(Basic realm="Registry Realm")", "Basic", "Registry Realm", "", ""},
      {R"(Bearer realm="https://a/t", Basic realm="b")", "Bearer", "https://a/t", "", ""},
      {"Negotiate", "Negotiate", "", "", ""},
  };
  for (const auto& c : cases) {
    auto parsed = ParseAuthChallenge(c.header);
    ASSERT_THAT(parsed, IsOk()) << c.header;
    EXPECT_EQ(parsed->scheme, c.scheme) << c.header;
    EXPECT_EQ(parsed->Param("realm"), c.realm) << c.header;
    EXPECT_EQ(parsed->Param("service"), c.service) << c.header;
    EXPECT_EQ(parsed->Param("scope"), c.scope) << c.header;
  }
}

TEST(ParseAuthChallengeTest, RejectsMalformedHeaders) {
  for (const char* header : {"", "   ", R"(Bearer realm="https://a/t)", "Bearer =x", "Bearer realm",
                             "\"Bearer\" realm=x", "Bearer realm=x, =y"}) {
    EXPECT_THAT(ParseAuthChallenge(header), StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << header;
  }
}

TEST(CheckRealmTest, AcceptsHttpsRealms) {
  for (const char* realm : {"https://auth.docker.io/token", "https://127.0.0.1:8443/a/b?x=y",
                            "HTTPS://auth.example.com/token"}) {
    EXPECT_THAT(CheckRealm(realm, false), IsOk()) << realm;
  }
  EXPECT_THAT(CheckRealm("http://127.0.0.1:5000/token", true), IsOk());
}

TEST(CheckRealmTest, RejectsInsecureOrTraversingRealms) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://auth.example.com/token", "insecure channel"},
      {"ftp://auth.example.com/token", "insecure channel"},
      {"auth.example.com/token", "insecure channel"},
      {"", "insecure channel"},
      {"https://auth.example.com/../token", "path traversal"},
      {"https://auth.example.com/a/..", "path traversal"},
      {"https://auth.example.com//token", "path traversal"},
      {"https://https://auth.example.com/token", "path traversal"},
  };
  for (const auto& [realm, why] : cases) {
    EXPECT_THAT(CheckRealm(realm, false), StatusIs(StatusCode::kPermissionDenied, HasSubstr(why)))
        << realm;
  }
}

TEST(LooksLikeJwtTest, AcceptsJwtShapes) {
  for (const char* token : {kJwt, "a.b", "a.b.", "a.b/c", "a=.b_-.c+/=.d", "A-_=.B"}) {
    EXPECT_TRUE(LooksLikeJwt(token)) << token;
  }
}

TEST(LooksLikeJwtTest, RejectsOtherStrings) {
  for (const char* token :
       {"", "abc", ".b.c", "a..c", "a.b c", "a.b\n", "a/b.c", "a.b.c d", "\"a.b\""}) {
    EXPECT_FALSE(LooksLikeJwt(token)) << token;
  }
}

TEST(IsBearerTokenTest, AcceptsRfc6750TokensIncludingOpaqueOnes) {
  for (const char* token : {kJwt, "djE6dXNlci9pbWFnZToxNjc4OTA=", "ya29.a0Af-_~+/", "a==", "A"}) {
    EXPECT_TRUE(IsBearerToken(token)) << token;
  }
  for (const char* token : {"", "=", "a=b", "a b", "a\r\nX-Injected: 1", "\"a\"", "a,b", "a;b"}) {
    EXPECT_FALSE(IsBearerToken(token)) << token;
  }
}

TEST(ParseTokenResponseTest, RequiresAJwtForNotaryAndAnyBearerTokenForRegistries) {
  const std::string opaque = R"({"token":"djE6dXNlci9pbWFnZToxNjc4OTA="})";
  EXPECT_THAT(ParseTokenResponse(opaque, "https://notary/token"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not look like a JWT")));
  auto registry = ParseTokenResponse(opaque, "https://ghcr.io/token", TokenShape::kBearer);
  ASSERT_THAT(registry, IsOk());
  EXPECT_EQ(registry->token, "djE6dXNlci9pbWFnZToxNjc4OTA=");
  EXPECT_THAT(ParseTokenResponse(R"({"token":"a b"})", "https://r/token", TokenShape::kBearer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an RFC 6750 bearer token")));
}

class BearerTokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    auto server = TestHttpsServer::Start(ca_->server_cert_pem(), ca_->server_key_pem(),
                                         [this](const TestRequest& r) { return Answer(r); });
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
    auto client = HttpClient::Create(TlsOptions{.extra_ca_pem = ca_->ca_cert_pem()});
    ASSERT_THAT(client, IsOk());
    client_ = std::move(client).value();
  }

  // /token: requires Basic alice:secret when `require_basic_`; answers `token_body_`.
  TestResponse Answer(const TestRequest& r) {
    std::lock_guard<std::mutex> lock(mu_);
    last_query_ = r.query;
    if (require_basic_) {
      const std::string* auth = r.Header("authorization");
      if (!auth || *auth != "Basic " + crypto::Base64Encode("alice:secret")) {
        return TestResponse{.status = 401};
      }
    }
    return TestResponse{.body = token_body_};
  }

  AuthChallenge Challenge() {
    auto c = ParseAuthChallenge("Bearer realm=\"" + server_->url() +
                                "/token\",service=\"notary\",scope=\"repository:a/b:pull\"");
    EXPECT_THAT(c, IsOk());
    return *c;
  }

  Deadline Soon() { return Deadline::In(std::chrono::seconds(10)); }

  const TestCa* ca_ = nullptr;
  std::unique_ptr<TestHttpsServer> server_;
  std::unique_ptr<HttpClient> client_;
  std::mutex mu_;
  bool require_basic_ = false;
  std::string token_body_ = std::string("{\"token\":\"") + kJwt + "\",\"expires_in\":300}";
  std::string last_query_;
};

TEST_F(BearerTokenSourceTest, FetchesATokenWithServiceAndScopeAndCachesIt) {
  BearerTokenSource source(client_.get());
  auto token = source.Token(Challenge(), "repository:docker.io/x/y:pull", std::nullopt, Soon());
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, kJwt);
  EXPECT_EQ(last_query_, "service=notary&scope=repository%3Adocker.io%2Fx%2Fy%3Apull");
  ASSERT_THAT(source.Token(Challenge(), "repository:docker.io/x/y:pull", std::nullopt, Soon()),
              IsOk());
  EXPECT_EQ(server_->requests(), 1u) << "second call must come from the cache";
  ASSERT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()), IsOk());
  EXPECT_EQ(server_->requests(), 2u) << "another scope is another cache entry";
  EXPECT_EQ(last_query_, "service=notary&scope=repository%3Aa%2Fb%3Apull");
}

TEST_F(BearerTokenSourceTest, RefetchesExpiredTokensAndAfterClear) {
  token_body_ = std::string("{\"access_token\":\"") + kJwt + "\",\"expires_in\":1}";
  BearerTokenSource source(client_.get());
  ASSERT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()), IsOk());
  ASSERT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()), IsOk());
  EXPECT_EQ(server_->requests(), 2u) << "a token that expires within the margin is not cached";
  token_body_ = std::string("{\"token\":\"") + kJwt + "\"}";
  ASSERT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()), IsOk());
  source.Clear();
  ASSERT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()), IsOk());
  EXPECT_EQ(server_->requests(), 4u);
}

TEST_F(BearerTokenSourceTest, SendsBasicCredentialsAndReportsRefusal) {
  require_basic_ = true;
  BearerTokenSource source(client_.get());
  EXPECT_THAT(source.Token(Challenge(), "", BasicCredentials{"alice", "secret"}, Soon()), IsOk());
  EXPECT_THAT(source.Token(Challenge(), "", BasicCredentials{"alice", "wrong!"}, Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("401")));
  EXPECT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("401")));
}

TEST_F(BearerTokenSourceTest, RejectsBadTokenResponses) {
  const char* bodies[] = {"not json",
                          "[]",
                          "{}",
                          "{\"token\":\"\"}",
                          "{\"token\":42}",
                          "{\"token\":\"not a jwt\"}",
                          "{\"access_token\":\"a.b c\"}"};
  BearerTokenSource source(client_.get());
  for (const char* body : bodies) {
    token_body_ = body;
    EXPECT_THAT(source.Token(Challenge(), "", std::nullopt, Soon()),
                StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << body;
  }
}

TEST_F(BearerTokenSourceTest, RejectsNonBearerChallengesAndBadRealms) {
  BearerTokenSource source(client_.get());
  EXPECT_THAT(source.Token(*ParseAuthChallenge("Basic realm=\"x\""), "", std::nullopt, Soon()),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("Basic is an unsupported authentication type")));
  EXPECT_THAT(source.Token(*ParseAuthChallenge("Bearer service=x"), "", std::nullopt, Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("realm")));
  EXPECT_THAT(source.Token(*ParseAuthChallenge("Bearer realm=\"http://127.0.0.1/t\""), "",
                           std::nullopt, Soon()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("insecure channel")));
  EXPECT_EQ(server_->requests(), 0u);
}

}  // namespace
}  // namespace connaisseur::net
