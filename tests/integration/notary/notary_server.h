// NotaryServer: the real Debian notary-server (memory storage) on a free loopback port with TLS
// from a TestCa, plus the real `notary` client to publish trust data. The trust service is either
// local (the server holds ed25519 timestamp keys) or remote: a real notary-signer (memory
// storage, ecdsa keys) reached over gRPC with mutual TLS from a second, private test CA. The
// server can also demand docker-style bearer tokens. Every process is stopped by PID in the
// destructor; the temporary directory is removed.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "runtime/status.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {

enum class TrustService { kLocal, kRemote };

// notary-server's `auth: {type: token, options: {...}}`.
struct TokenAuthOptions {
  std::string realm;                // where clients get tokens (the challenge's realm)
  std::string service;              // the tokens' audience
  std::string issuer;               // the tokens' `iss`
  std::string rootcertbundle_path;  // PEM certificates whose keys may sign tokens
};

struct NotaryServerOptions {
  TrustService trust_service = TrustService::kLocal;
  std::optional<TokenAuthOptions> token_auth;
  // "user:password" the `notary` client presents to the token realm (NOTARY_AUTH).
  std::string client_credentials;
};

class NotaryServer {
 public:
  // True iff notary-server and notary are on PATH (and notary-signer, for the remote mode).
  static bool Available(TrustService mode = TrustService::kLocal);
  static StatusOr<std::unique_ptr<NotaryServer>> Start(const TestCa& ca,
                                                       const NotaryServerOptions& options = {});
  ~NotaryServer();

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

  // Runs `notary -c <config> <args>` with the passphrases (and credentials) set.
  Status Notary(const std::string& args) const;
  // `notary init -p`, then `add` of `tag` → a file with `content`, then publish.
  Status InitAndSign(const std::string& gun, const std::string& tag, const std::string& content);
  // Writes `content` to a file in dir() and returns its path.
  StatusOr<std::string> File(const std::string& name, const std::string& content) const;
  // The SPKI PEM of the root key of `gun` (what a trustRoot pins), from the client's root.json.
  StatusOr<std::string> RootPublicKeyPem(const std::string& gun) const;
  // The keytype root.json of `gun` assigns to `role` ("ed25519", "ecdsa", "ecdsa-x509", ...).
  StatusOr<std::string> RoleKeyType(const std::string& gun, const std::string& role) const;

 private:
  NotaryServer() = default;
  Status StartSigner();

  std::string dir_;
  std::string client_credentials_;
  int port_ = 0;
  int signer_port_ = 0;
  pid_t pid_ = -1;
  pid_t signer_pid_ = -1;
};

}  // namespace connaisseur::testing
