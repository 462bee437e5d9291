// RedisClient: commands to one Redis server from many threads, over a small pool of
// RedisConnections, each call bounded by min(caller's deadline, call_timeout).
//
// Redis is an optimisation, never a dependency: a failed call (refused, timed out, AUTH refused,
// an error reply) is returned as kUnavailable and counted; the first failure after a success
// (and the first success after failures) is logged once, so an outage is one warning, not one
// per request. After a failure, calls fail at once for `retry_after` instead of waiting for
// a server that is down. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "runtime/deadline.h"
#include "runtime/log/logger.h"
#include "runtime/redis/redis_connection.h"
#include "runtime/redis/redis_reply.h"
#include "runtime/status.h"

namespace connaisseur::redis {

class RedisClient {
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  struct Options {
    std::string host;
    int port = 6379;
    // TLS with the server's certificate checked against the system trust store (OpenSSL's
    // default paths; SSL_CERT_FILE overrides them) and `host`.
    bool tls = false;
    // With tls: trust only the PEM certificates in this file instead of the system store. Any
    // of them is a trust anchor, also a server's own (self-signed or not) certificate.
    std::string ca_file;
    std::string password;  // "" = no AUTH; never logged
    // Bound on one call, whatever the caller's deadline: a slow Redis must cost a request
    // far less than verifying would.
    std::chrono::milliseconds call_timeout{300};
    // How long calls fail at once after a failure, before the server is tried again.
    std::chrono::milliseconds retry_after{1000};
    size_t max_idle_connections = 8;
    log::Logger* logger = nullptr;  // borrowed; receives the state changes; may be null
  };

  // Builds the TLS context when asked; connects lazily (a Redis down at start is not an error).
  static StatusOr<std::unique_ptr<RedisClient>> Create(Options options);
  RedisClient(PassKey, Options options) : options_(std::move(options)) {}

  // Runs one command. kUnavailable (with the cause) on any failure, an error reply included.
  StatusOr<Reply> Command(std::span<const std::string> args, Deadline deadline);

  // Calls that failed (connect, TLS, AUTH, timeout, error reply); not the ones skipped while
  // waiting for retry_after.
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  // The TLS context's trust: options_.ca_file, else the system store.
  Status LoadTrust();
  StatusOr<std::unique_ptr<RedisConnection>> Acquire(Deadline deadline);
  void Release(std::unique_ptr<RedisConnection> connection);
  // Counts and logs the transition between reachable and not.
  void Record(const Status& outcome);

  const Options options_;
  SslCtxPtr tls_;  // null without TLS
  std::atomic<uint64_t> errors_{0};

  std::mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded
  bool down_ = false;                                   // guarded
  Deadline::Clock::time_point retry_at_{};              // guarded
};

}  // namespace connaisseur::redis
