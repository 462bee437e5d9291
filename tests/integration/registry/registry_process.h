// RegistryProcess: the real `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 with a free
// port and filesystem storage in a private temp dir, for integration tests. Variants: plain
// HTTP, TLS from the shared test CA, htpasswd (bcrypt) Basic auth (plain or over TLS), and bearer
// tokens from a loopback token server that signs ES256 JWTs with a key the registry trusts. Stopped
// as a ChildProcess (tests/testing/child_process.h).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/crypto/private_key.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/child_process.h"

namespace connaisseur::testing {

class RegistryProcess {
 public:
  // kTlsHtpasswd: both (for clients, like `serve`, that only speak https).
  enum class Mode { kPlain, kTls, kHtpasswd, kToken, kTlsHtpasswd };
  static constexpr char kUser[] = "tester";
  static constexpr char kPassword[] = "s3cret-pw";

  static bool Available();  // /usr/bin/docker-registry exists
  // Starts the registry and waits (bounded, on its log) until it listens.
  static StatusOr<std::unique_ptr<RegistryProcess>> Start(Mode mode);
  ~RegistryProcess();

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  bool plain_http() const { return mode_ != Mode::kTls && mode_ != Mode::kTlsHtpasswd; }
  Mode mode() const { return mode_; }
  const std::string& dir() const { return dir_; }
  size_t token_requests() const { return token_server_ ? token_server_->requests() : 0; }
  // SIGSTOP / SIGCONT: while paused the registry accepts connections and never answers.
  void Pause() { process_->Pause(); }
  void Resume() { process_->Resume(); }

 private:
  RegistryProcess(Mode mode, std::string dir) : mode_(mode), dir_(std::move(dir)) {}
  Status StartTokenServer();

  Mode mode_;
  std::string dir_;
  int port_ = 0;
  std::optional<crypto::PrivateKey> token_key_;
  std::unique_ptr<TestHttpsServer> token_server_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace connaisseur::testing
