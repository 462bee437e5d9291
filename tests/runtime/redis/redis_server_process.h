// RedisServerProcess: the real `redis-server` (Debian's 7.0) on 127.0.0.1 with a free port, no
// persistence, optionally with a password (requirepass) or TLS only (the shared test CA's server
// certificate), for integration tests. Started and stopped (SIGKILL) by PID.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/redis/redis_reply.h"
#include "runtime/status.h"

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
  ~RedisServerProcess();  // Kill()

  int port() const { return port_; }
  // SIGKILL, then reaps it. Idempotent.
  void Kill();
  // One command on a fresh plain connection (AUTH with the password first): how tests read
  // and write entries behind the webhook's back. Not for TLS servers.
  StatusOr<redis::Reply> Command(const std::vector<std::string>& args);

 private:
  explicit RedisServerProcess(Options options) : options_(std::move(options)) {}
  Status Launch();

  Options options_;
  int port_ = 0;
  pid_t pid_ = -1;
  int log_fd_ = -1;
  std::thread log_drain_;
};

}  // namespace connaisseur::testing
