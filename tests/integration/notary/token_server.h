// TokenServer: a docker-distribution style token endpoint for tests (`GET /token?service=…&
// scope=repository:<name>:<actions>` with optional HTTP Basic). It signs ES256 JWTs with a key
// whose self-signed certificate (`cert_path()`, notary-server's `rootcertbundle`) it sends in the
// `x5c` header. Right credentials get the requested actions; anonymous callers get a token that
// grants nothing (as Docker Hub does for a repository they may not read); wrong credentials get
// 401. Loopback HTTPS from a TestCa; stopped with the object.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "runtime/crypto/private_key.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"

namespace connaisseur::testing {

class TokenServer {
 public:
  static constexpr char kService[] = "cn-notary-test";
  static constexpr char kIssuer[] = "cn-test-token-issuer";

  static StatusOr<std::unique_ptr<TokenServer>> Start(const TestCa& ca, std::string username,
                                                      std::string password);
  ~TokenServer();

  std::string realm() const { return http_->url() + "/token"; }
  std::string cert_path() const { return dir_ + "/token.crt"; }
  // Token requests answered so far: with credentials that matched, anonymous, refused.
  size_t granted() const { return granted_.load(); }
  size_t anonymous() const { return anonymous_.load(); }
  size_t refused() const { return refused_.load(); }

 private:
  TokenServer(std::string dir, crypto::PrivateKey key, std::string cert_der_b64,
              std::string username, std::string password);
  TestResponse Handle(const TestRequest& request);

  const std::string dir_;
  const crypto::PrivateKey key_;
  const std::string cert_der_b64_;
  const std::string username_, password_;
  std::atomic<size_t> granted_{0}, anonymous_{0}, refused_{0};
  std::unique_ptr<TestHttpsServer> http_;  // last: stops before the members it uses go
};

}  // namespace connaisseur::testing
