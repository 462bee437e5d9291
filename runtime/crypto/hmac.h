// HMAC-SHA256 (RFC 2104), for values this process writes to a store others can write to, and
// reads back only when they carry its key's tag.
#pragma once

#include <string>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::crypto {

// Lower-case hex of HMAC-SHA256(key, data). kInternal when OpenSSL fails (out of memory): the
// caller must not treat any tag as valid then.
StatusOr<std::string> HmacSha256Hex(std::string_view key, std::string_view data);

// True iff `a` and `b` are equal, in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace connaisseur::crypto
