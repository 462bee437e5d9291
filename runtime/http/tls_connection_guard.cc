#include "runtime/http/tls_connection_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <memory>
#include <string>

namespace connaisseur::http {
namespace {

thread_local int current_tls_socket = -1;

// One counted connection, owned by its SSL object (ex_data) and released by FreeCounted.
struct CountedConnection {
  ClientConnectionLimit* limit;
  std::string address;
};

void FreeCounted(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
                 void* /*argp*/) {
  // Takes back the ownership handed to OpenSSL in CountConnection.
  std::unique_ptr<CountedConnection> counted(static_cast<CountedConnection*>(ptr));
  if (counted) counted->limit->Close(counted->address);
}

int CtxIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int SslIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, &FreeCounted);
  return index;
}

// The peer's IP address as text; "" when the socket has none (then it is not counted).
std::string PeerAddress(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  if (fd < 0 || getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return "";
  char text[INET6_ADDRSTRLEN] = {};
  const void* addr = nullptr;
  if (peer.ss_family == AF_INET) {
    addr = &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr;
  } else if (peer.ss_family == AF_INET6) {
    addr = &reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr;
  } else {
    return "";
  }
  return inet_ntop(peer.ss_family, addr, text, sizeof(text)) != nullptr ? text : "";
}

// Counts `ssl`'s connection once; false when its client is over the cap (or counting failed).
bool CountConnection(SSL* ssl, ClientConnectionLimit* limit) {
  const std::string address = PeerAddress(SSL_get_fd(ssl));
  if (address.empty()) return true;
  if (!limit->TryOpen(address)) return false;
  auto counted = std::make_unique<CountedConnection>(CountedConnection{limit, address});
  if (SSL_set_ex_data(ssl, SslIndex(), counted.get()) != 1) {
    limit->Close(address);
    return false;
  }
  counted.release();  // owned by `ssl` now; FreeCounted deletes it
  return true;
}

void OnTlsState(const SSL* ssl, int where, int /*ret*/) noexcept {
  if ((where & SSL_CB_HANDSHAKE_START) == 0 || SSL_get_ex_data(ssl, SslIndex()) != nullptr) return;
  current_tls_socket = SSL_get_fd(ssl);
  auto* limit =
      static_cast<ClientConnectionLimit*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), CtxIndex()));
  if (limit == nullptr) return;
  bool admitted = false;
  try {
    // OpenSSL hands info callbacks a const SSL; attaching ex_data does not touch the handshake.
    admitted = CountConnection(const_cast<SSL*>(ssl), limit);
  } catch (...) {  // bad_alloc must not unwind into OpenSSL (C); refuse the connection instead
    admitted = false;
  }
  // Ends the handshake at once: its next read sees the closed socket and civetweb closes it.
  if (!admitted) {
    shutdown(SSL_get_fd(ssl), SHUT_RDWR);
    current_tls_socket = -1;
  }
}

}  // namespace

int CurrentTlsSocket() { return current_tls_socket; }

void GuardTlsConnections(SSL_CTX* ctx, ClientConnectionLimit* limit) {
  SslIndex();  // registers the index (and its free callback) before any connection exists
  SSL_CTX_set_ex_data(ctx, CtxIndex(), limit);
  SSL_CTX_set_info_callback(ctx, &OnTlsState);
}

}  // namespace connaisseur::http
