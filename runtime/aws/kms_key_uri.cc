#include "runtime/aws/kms_key_uri.h"

#include <cctype>

namespace connaisseur::aws {
namespace {

constexpr size_t kMaxQuoted = 256;

// The input for an error message: printable ASCII as is, `"` and `\` escaped, other bytes as
// \xNN, cut after kMaxQuoted bytes.
std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxQuoted; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out += text.size() > kMaxQuoted ? "\"..." : "\"";
  return out;
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Consumes `c` from the front of `s` if it is there.
bool Take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

bool TakePrefix(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Consumes exactly `n` characters satisfying `pred`.
template <typename Pred>
bool TakeN(std::string_view& s, size_t n, Pred pred) {
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (!pred(s[i])) return false;
  }
  s.remove_prefix(n);
  return true;
}

// The whole of `s` is a key id as cosign matches it: an optional multi-region "mrk-" prefix
// (each of its characters optional, in that order), then 8-4-4-4-12 hex digits whose hyphens
// are optional.
bool IsKeyId(std::string_view s) {
  Take(s, 'm');
  Take(s, 'r');
  Take(s, 'k');
  Take(s, '-');
  constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  for (size_t i = 0; i < std::size(kGroups); ++i) {
    if (i > 0) Take(s, '-');
    if (!TakeN(s, kGroups[i], IsHex)) return false;
  }
  return s.empty();
}

// "alias/NAME" with a non-empty NAME free of control characters.
bool IsAliasName(std::string_view s) {
  if (!TakePrefix(s, "alias/") || s.empty()) return false;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

// "host[:port]" characters only (IPv6 literals in brackets included).
bool IsEndpoint(std::string_view s) {
  for (char c : s) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ||
                    c == '_' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

// Parses "arn:PARTITION:kms:REGION:ACCOUNT:" off the front of `s` into `uri`.
bool TakeArnPrefix(std::string_view& s, KmsKeyUri& uri) {
  if (!TakePrefix(s, "arn:")) return false;
  if (TakePrefix(s, "aws-us-gov:kms:")) {
    uri.partition = "aws-us-gov";
  } else if (TakePrefix(s, "aws:kms:")) {
    uri.partition = "aws";
  } else {
    return false;
  }
  const size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (char c : s.substr(0, colon)) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  uri.region = std::string(s.substr(0, colon));
  s.remove_prefix(colon + 1);
  auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  return TakeN(s, 12, is_digit) && Take(s, ':');
}

// Fills `uri` from the part after "awskms://ENDPOINT/"; false if it is none of the four forms.
bool ParseKeySpec(std::string_view spec, KmsKeyUri& uri) {
  uri.key_id = std::string(spec);
  if (IsKeyId(spec)) return true;
  if (IsAliasName(spec)) {
    uri.alias = std::string(spec);
    return true;
  }
  std::string_view rest = spec;
  if (!TakeArnPrefix(rest, uri)) return false;
  if (IsAliasName(rest)) {
    uri.alias = std::string(rest);
    return true;
  }
  return TakePrefix(rest, "key/") && IsKeyId(rest);
}

}  // namespace

bool IsAwsKmsUri(std::string_view text) { return text.starts_with(kAwsKmsScheme); }

StatusOr<KmsKeyUri> ParseKmsKeyUri(std::string_view uri) {
  auto invalid = [&] {
    return InvalidArgumentError("invalid awskms key reference " + Quote(uri) +
                                ": expected awskms://[ENDPOINT]/KEY-ID, .../alias/NAME or "
                                ".../arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (or :alias/NAME)");
  };
  std::string_view rest = uri;
  if (!TakePrefix(rest, kAwsKmsScheme)) return invalid();
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return invalid();
  KmsKeyUri parsed;
  parsed.endpoint = std::string(rest.substr(0, slash));
  if (!IsEndpoint(parsed.endpoint)) return invalid();
  if (!ParseKeySpec(rest.substr(slash + 1), parsed)) return invalid();
  return parsed;
}

}  // namespace connaisseur::aws
