#include "runtime/crypto/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "runtime/crypto/encoding.h"

namespace connaisseur::crypto {

StatusOr<std::string> HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char tag[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), tag,
           &length) == nullptr ||
      length != 32) {
    return InternalError("HMAC-SHA256 failed");
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(tag), length));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace connaisseur::crypto
