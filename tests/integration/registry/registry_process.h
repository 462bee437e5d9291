// RegistryProcess: the real `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 with a free
// port and filesystem storage in a private temp dir, for integration tests. Variants: plain
// HTTP, TLS from the shared test CA, htpasswd (bcrypt) Basic auth (plain or over TLS), and bearer
// tokens from a loopback token server that signs ES256 JWTs with a key the registry trusts. Stopped
// by PID.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "runtime/crypto/private_key.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_https_server.h"

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

 private:
  RegistryProcess(Mode mode, std::string dir) : mode_(mode), dir_(std::move(dir)) {}
  Status StartTokenServer();
  Status Launch(const std::string& config_path);

  Mode mode_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  int log_fd_ = -1;
  std::thread log_drain_;
  std::optional<crypto::PrivateKey> token_key_;
  std::unique_ptr<TestHttpsServer> token_server_;
};

// A port that was free a moment ago on 127.0.0.1.
StatusOr<int> FreeLoopbackPort();

}  // namespace connaisseur::testing
