// RedisConnection: one connection to a Redis server, over TCP or TLS, every step bounded by the
// caller's deadline (connect, TLS handshake, AUTH, each command). hiredis only encodes commands
// (redisFormatCommandArgv) and parses replies (redisReader); the socket and TLS are ours, so TLS
// works with hiredis 0.14, which has none.
//
// Not thread-safe: one caller at a time (RedisClient pools them). After any error the connection
// is in an unknown protocol state and must be dropped.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "runtime/deadline.h"
#include "runtime/redis/hiredis_ptr.h"
#include "runtime/redis/redis_reply.h"
#include "runtime/redis/socket_ptr.h"
#include "runtime/status.h"

namespace connaisseur::redis {

struct Endpoint {
  std::string host;  // name or address; for TLS also the name the certificate must carry
  int port = 6379;
  // TLS context (verification of the server's certificate set up by its owner); null = plain
  // TCP. Borrowed: must outlive every connection made with it.
  SSL_CTX* tls = nullptr;
  std::string password;  // sent with AUTH after connecting; "" = no AUTH. Never logged.
};

class RedisConnection {
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  // Owns `fd`; for Connect only (the PassKey).
  RedisConnection(PassKey, int fd) : fd_(fd) {}

  // Connects, completes TLS and AUTH before `deadline`. kUnavailable when the server cannot be
  // reached or refuses the TLS session, kPermissionDenied when AUTH fails, kDeadlineExceeded
  // when `deadline` passes first.
  static StatusOr<std::unique_ptr<RedisConnection>> Connect(const Endpoint& endpoint,
                                                            Deadline deadline);

  // Sends one command (arguments are binary-safe) and reads its reply before `deadline`. A
  // server error reply (-ERR ...) is returned as a Reply of type kError, not as a Status.
  StatusOr<Reply> Command(std::span<const std::string> args, Deadline deadline);

  // The largest reply accepted; a longer one is an error (the entries we read are small).
  static constexpr size_t kMaxReplyBytes = 1 << 20;

 private:
  Status StartTls(const Endpoint& endpoint, Deadline deadline);
  Status SendAll(std::string_view bytes, Deadline deadline);
  // Reads what is available (waiting until `deadline` for something) into the reader.
  Status ReadSome(Deadline deadline, size_t* total);
  Status Wait(short events, Deadline deadline);

  SocketFd fd_;
  SslPtr ssl_;  // null for plain TCP
  ReaderPtr reader_;
};

}  // namespace connaisseur::redis
