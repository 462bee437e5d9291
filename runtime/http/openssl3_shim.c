/* The OpenSSL 3 shim for Debian's civetweb 1.15 (README, "Decisions").
 *
 * civetweb dlopen()s "libssl.so" and looks every function up by name; OpenSSL 3 no longer
 * exports SSL_get_peer_certificate (it became a macro for SSL_get1_peer_certificate), so
 * civetweb calls a null pointer and crashes on every HTTPS request right after the handshake.
 * This library has the SONAME libssl.so, defines that one symbol, and depends on the real
 * libssl/libcrypto. The binary links it ahead of civetweb with --no-as-needed, so it is loaded
 * at start-up; civetweb's dlopen("libssl.so") then matches it by SONAME, and dlsym finds every
 * other SSL function through its dependency on the real libssl.so.3. */
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate
X509* SSL_get_peer_certificate(const SSL* ssl);

X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }
