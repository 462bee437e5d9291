// GuardTlsConnections: enforces a ClientConnectionLimit on every TLS connection of an SSL_CTX.
//
// civetweb 1.15 has no hook between accept() and the worker's TLS handshake, so the count is
// taken at the handshake's first step (OpenSSL's info callback fires before anything is read):
// a connection over its client's cap is shut down there and frees its worker at once, instead of
// holding it until the handshake times out. A counted connection stays counted until OpenSSL
// frees its SSL object, i.e. until civetweb closes it (keep-alive included).
#pragma once

#include "runtime/http/client_connection_limit.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace connaisseur::http {

// `limit` is borrowed and must outlive every connection made with `ctx`.
void GuardTlsConnections(SSL_CTX* ctx, ClientConnectionLimit* limit);

// The socket of the TLS connection whose handshake this thread started last, or -1. civetweb
// serves a connection on one worker thread from its handshake to its close, so a request handler
// finds its own connection's socket here (to bound a read: SocketDeadlines).
int CurrentTlsSocket();

}  // namespace connaisseur::http
