// FakeAws: AWS KMS and STS on loopback HTTPS (two TestHttpsServers, certificates from the
// shared TestCa), for the KMS client, the cosign validator and `connaisseur sign`.
//
// KMS (POST /, JSON 1.1) answers GetPublicKey and Sign for the keys a test adds, by key id, key
// ARN, alias name or alias ARN, and checks every request's SigV4 signature independently
// (sigv4_check.h): a wrong secret, an unknown key id, another region or a stale X-Amz-Date gets
// AWS's 400 with its error type. Requests with session credentials must carry (and sign) the
// session token STS issued, and are refused once the session has expired.
// STS (POST /, form) answers AssumeRoleWithWebIdentity for one role and one token with fresh
// session credentials, in STS's XML.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/crypto/public_key.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_https_server.h"

namespace connaisseur::testing {

class FakeAws {
 public:
  struct Options {
    std::string region = "us-east-1";
    std::string account = "111122223333";
    std::string access_key_id = "AKIAFAKEKMS000000001";
    std::string secret_access_key = "fake+secret/key/0123456789abcdefghijklmn";
    std::string role_arn = "arn:aws:iam::111122223333:role/connaisseur-webhook";
    std::string web_identity_token = "eyJhbGciOiJSUzI1NiJ9.fake-service-account-token.sig";
    std::chrono::seconds session_duration{3600};
  };

  static StatusOr<std::unique_ptr<FakeAws>> Start(Options options);
  static StatusOr<std::unique_ptr<FakeAws>> Start() { return Start(Options{}); }
  ~FakeAws();

  // Adds a signing key (and optional alias, "alias/NAME") to KMS; returns its key id (a UUID).
  // `algorithms` is what GetPublicKey lists, in order; empty: KMS's list for the type.
  std::string AddKey(crypto::KeyType type, const std::string& alias = "",
                     std::vector<std::string> algorithms = {});
  // Points `alias` at another key (KMS UpdateAlias).
  void RetargetAlias(const std::string& alias, const std::string& key_id);
  std::string KeyArn(const std::string& key_id) const;
  std::string AliasArn(const std::string& alias) const;
  // PEM "PUBLIC KEY" of a key.
  std::string PublicPem(const std::string& key_id) const;

  const Options& options() const { return options_; }
  std::string kms_url() const { return kms_->url(); }
  std::string sts_url() const { return sts_->url(); }
  int kms_port() const { return kms_->port(); }
  // The CA that signed both servers' certificates (PEM), and a file holding it.
  const std::string& ca_pem() const;
  std::string ca_path() const;

  // Every session STS issued stops working (ExpiredTokenException).
  void ExpireSessions();
  // Answers every KMS request with this HTTP status and an InternalFailure (0: normal).
  void FailKmsWith(int status) { kms_failure_.store(status); }

  size_t get_public_key_calls() const { return get_public_key_calls_.load(); }
  size_t sign_calls() const { return sign_calls_.load(); }
  size_t sts_calls() const { return sts_calls_.load(); }
  // "<type>: <message>" of every request KMS or STS refused, in order.
  std::vector<std::string> rejections() const;

 private:
  struct Key {
    std::string id;
    crypto::KeyType type;
    crypto::EvpPkeyPtr pkey;
    std::string spki_der;
    std::vector<std::string> algorithms;
  };
  struct Session {
    std::string secret;
    std::string token;
    std::chrono::system_clock::time_point expiration;
  };

  explicit FakeAws(Options options) : options_(std::move(options)) {}
  TestResponse ServeKms(const TestRequest& request);
  TestResponse ServeSts(const TestRequest& request);
  TestResponse GetPublicKey(const std::string& body);
  TestResponse Sign(const std::string& body);
  TestResponse KmsError(int status, const std::string& type, const std::string& message);
  // The key a KeyId names (id, key ARN, alias, alias ARN), or nullptr. Caller holds mu_.
  const Key* FindKey(const std::string& key_id) const;

  const Options options_;
  std::unique_ptr<TestHttpsServer> kms_, sts_;
  mutable std::mutex mu_;
  std::map<std::string, Key> keys_;             // by id; guarded by mu_
  std::map<std::string, std::string> aliases_;  // alias → key id; guarded by mu_
  std::map<std::string, Session> sessions_;     // access key id → session; guarded by mu_
  std::vector<std::string> rejections_;         // guarded by mu_
  size_t next_id_ = 1;                          // guarded by mu_
  std::atomic<int> kms_failure_{0};
  std::atomic<size_t> get_public_key_calls_{0}, sign_calls_{0}, sts_calls_{0};
};

}  // namespace connaisseur::testing
