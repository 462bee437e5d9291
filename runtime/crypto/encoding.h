// Byte encodings used by trust data: strict base64 (standard and URL alphabets) and hex.
#pragma once

#include <string>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::crypto {

std::string Base64Encode(std::string_view bytes);
// Standard alphabet. Padding is either complete or absent; whitespace, any other character and
// non-zero trailing bits are kInvalidArgument.
StatusOr<std::string> Base64Decode(std::string_view text);
// URL-safe alphabet ("-_"), padding optional (JWT segments).
StatusOr<std::string> Base64UrlDecode(std::string_view text);

std::string HexEncode(std::string_view bytes);  // lower case
StatusOr<std::string> HexDecode(std::string_view hex);

}  // namespace connaisseur::crypto
