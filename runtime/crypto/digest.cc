#include "runtime/crypto/digest.h"

#include <openssl/evp.h>

#include "runtime/crypto/encoding.h"

namespace connaisseur::crypto {

namespace {
template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, std::string_view data) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure; a zeroed digest then never matches anything.
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return out;
}
}  // namespace

Sha256Digest Sha256(std::string_view data) { return Digest<32>(EVP_sha256(), data); }
Sha384Digest Sha384(std::string_view data) { return Digest<48>(EVP_sha384(), data); }
Sha512Digest Sha512(std::string_view data) { return Digest<64>(EVP_sha512(), data); }

std::string Sha256Hex(std::string_view data) {
  auto d = Sha256(data);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::string OciDigest(std::string_view data) { return "sha256:" + Sha256Hex(data); }

}  // namespace connaisseur::crypto
