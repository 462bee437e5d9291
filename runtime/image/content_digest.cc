#include "runtime/image/content_digest.h"

namespace connaisseur::image {

bool IsSha256Digest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  constexpr size_t kHexDigits = 64;
  if (digest.size() != kPrefix.size() + kHexDigits || !digest.starts_with(kPrefix)) return false;
  for (char c : digest.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace connaisseur::image
