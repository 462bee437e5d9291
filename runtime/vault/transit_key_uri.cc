#include "runtime/vault/transit_key_uri.h"

#include <cstdio>

namespace connaisseur::vault {
namespace {

constexpr size_t kMaxShown = 120;
// Vault accepts longer names, but a trust root's key name this long is a mistake, not a key.
constexpr size_t kMaxKeyName = 256;

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The input as it can be shown in a message: control and non-ASCII bytes as \xNN, shortened.
std::string Shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return text.size() > kMaxShown ? out + "..." : out;
}

bool ValidKeyName(std::string_view name) {
  if (name.empty() || name.size() > kMaxKeyName) return false;
  if (!IsWordChar(name.front()) || !IsWordChar(name.back())) return false;
  for (char c : name) {
    if (!IsWordChar(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

bool IsTransitKeyUri(std::string_view text) { return text.starts_with(kHashiVaultScheme); }

StatusOr<TransitKeyUri> ParseTransitKeyUri(std::string_view uri) {
  std::string_view name = uri;
  if (!IsTransitKeyUri(name) || !ValidKeyName(name.substr(kHashiVaultScheme.size()))) {
    return InvalidArgumentError(
        "invalid Vault key reference \"" + Shown(uri) +
        "\": expected hashivault://KEYNAME, KEYNAME made of letters, digits, '_', '-' and '.', "
        "beginning and ending with a letter, digit or '_'");
  }
  name.remove_prefix(kHashiVaultScheme.size());
  return TransitKeyUri{std::string(name)};
}

}  // namespace connaisseur::vault
