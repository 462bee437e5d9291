// RedisServerProcess: the real `redis-server` (Debian's 7.0) on 127.0.0.1 with a free port, no
// persistence, optionally with a password (requirepass) or TLS only (the shared test CA's server
// certificate), for integration tests, run as a ChildProcess (tests/testing/child_process.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/redis/redis_reply.h"
#include "runtime/status.h"
#include "tests/testing/child_process.h"

namespace connaisseur::testing {

class RedisServerProcess {
 public:
  struct Options {
    std::string password;  // "" = none
    bool tls = false;      // TLS only, certificate from TestCa::Shared()
  };

  static bool Available();  // /usr/bin/redis-server exists
  // Starts redis-server and waits (bounded, on its log) until it accepts connections.
  static StatusOr<std::unique_ptr<RedisServerProcess>> Start(const Options& options);

  int port() const { return port_; }
  // SIGKILL, then reaps it. Idempotent.
  void Kill() { process_.reset(); }
  // SIGSTOP / SIGCONT: while paused Redis accepts connections and never answers.
  void Pause() {
    if (process_) process_->Pause();
  }
  void Resume() {
    if (process_) process_->Resume();
  }
  // One command on a fresh plain connection (AUTH with the password first): how tests read
  // and write entries behind the webhook's back. Not for TLS servers.
  StatusOr<redis::Reply> Command(const std::vector<std::string>& args);

 private:
  explicit RedisServerProcess(Options options) : options_(std::move(options)) {}
  std::vector<std::string> Arguments() const;

  Options options_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace connaisseur::testing
