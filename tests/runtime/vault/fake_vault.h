// FakeVault: HashiCorp Vault's transit key read and sign on loopback HTTPS (a TestHttpsServer
// with the shared TestCa's certificate), for the Vault client, the cosign validator and `sign`.
//
// Answers `GET /v1/<mount>/keys/<name>` as Vault does ({"data": {"keys": {"1": {"public_key":
// PEM, "name": type, ...}}, "latest_version": N, "min_decryption_version": 1, "type": ...}}) for
// the keys a test adds, only with the right X-Vault-Token: a missing or wrong token gets
// Vault's 403 {"errors": ["permission denied"]}, an unknown key 404. Ed25519 keys are shown as
// Vault shows them: base64 of the raw 32 bytes. The private keys stay available to the test so
// that it can sign as `cosign sign --key hashivault://` would.
//
// Answers `POST /v1/<mount>/sign/<name>[/<hash>]` as transit does, {"data": {"signature":
// "vault:v<N>:<base64>", "key_version": N}}, after the same token check, refusing with 400 what
// cosign never sends: a key_version above the latest, for ECDSA and RSA keys an input that is not
// `prehashed` or not as long as the digest of the URL's hash (sha2-256 or sha2-384), for ECDSA a
// marshaling_algorithm other than asn1. It signs the digest with the version's private key
// (ECDSA DER, RSA PKCS#1 v1.5) or, for Ed25519, the input itself. Every sign request is kept
// (sign_requests()) so that tests can check its input against the payload.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/crypto/private_key.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_https_server.h"

namespace connaisseur::testing {

class FakeVault {
 public:
  struct Options {
    std::string token = "hvs.fake-vault-token-0123456789";
    std::string mount = "transit";
  };

  static StatusOr<std::unique_ptr<FakeVault>> Start(Options options);
  static StatusOr<std::unique_ptr<FakeVault>> Start() { return Start(Options{}); }
  ~FakeVault();

  // Creates transit key `name` with version 1 of `type`; false if it could not be made.
  bool AddKey(const std::string& name, crypto::KeyType type);
  // Creates transit key `name` of type aes256-gcm96: an encryption key, which Vault shows
  // without public keys ({"keys": {"1": <creation time>}}) and refuses to sign with.
  void AddEncryptionKey(const std::string& name);
  // Adds a version to `name` (Vault's rotate); it becomes latest_version.
  bool RotateKey(const std::string& name);
  // The private key of a version (1-based) of `name`, nullptr if none.
  const crypto::PrivateKey* PrivateKey(const std::string& name, size_t version) const;

  const Options& options() const { return options_; }
  std::string url() const { return server_->url(); }
  std::string ca_path() const;

  // Answers every request with this HTTP status and Vault's error body (0: normal).
  void FailWith(int status) { failure_.store(status); }

  // Answers every sign request with 200 and this body instead of signing ("": normal).
  void AnswerSignWith(std::string body);

  struct SignRequest {
    std::string path;  // "/v1/transit/sign/cosign/sha2-256"
    std::string body;  // the JSON request body
  };
  std::vector<SignRequest> sign_requests() const;

  size_t key_reads() const { return key_reads_.load(); }
  // "<status> <path>" of every request refused, in order.
  std::vector<std::string> rejections() const;

 private:
  struct Key {
    crypto::KeyType type;
    std::vector<std::shared_ptr<const crypto::PrivateKey>> versions;
    bool encryption_only = false;  // aes256-gcm96: one version, no key pair
  };

  explicit FakeVault(Options options) : options_(std::move(options)) {}
  TestResponse Serve(const TestRequest& request);
  TestResponse ServeKey(const TestRequest& request, const std::string& name);
  TestResponse ServeSign(const TestRequest& request, const std::string& rest);
  TestResponse Error(int status, const std::string& path, const std::string& message);

  const Options options_;
  std::unique_ptr<TestHttpsServer> server_;
  mutable std::mutex mu_;
  std::map<std::string, Key> keys_;         // guarded by mu_
  std::vector<std::string> rejections_;     // guarded by mu_
  std::vector<SignRequest> sign_requests_;  // guarded by mu_
  std::string sign_answer_;                 // guarded by mu_
  std::atomic<int> failure_{0};
  std::atomic<size_t> key_reads_{0};
};

}  // namespace connaisseur::testing
