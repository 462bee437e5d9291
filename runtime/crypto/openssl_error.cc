#include "runtime/crypto/openssl_error.h"

#include <openssl/err.h>

namespace connaisseur::crypto {

std::string DrainOpenSslErrors(std::string_view what) {
  std::string out(what);
  unsigned long first = ERR_get_error();
  if (first != 0) {
    char buf[256];
    ERR_error_string_n(first, buf, sizeof(buf));
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

}  // namespace connaisseur::crypto
