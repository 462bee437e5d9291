#include "runtime/crypto/encoding.h"

#include <array>
#include <cstdint>

namespace connaisseur::crypto {

namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::array<int8_t, 256> DecodeTable(char c62, char c63) {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 62; ++i) t[static_cast<uint8_t>(kStd[i])] = static_cast<int8_t>(i);
  t[static_cast<uint8_t>(c62)] = 62;
  t[static_cast<uint8_t>(c63)] = 63;
  return t;
}

StatusOr<std::string> Decode(std::string_view in, const std::array<int8_t, 256>& table,
                             bool padding_optional) {
  size_t pad = 0;
  while (!in.empty() && in.back() == '=' && pad < 2) {
    in.remove_suffix(1);
    ++pad;
  }
  if (!padding_optional && pad > 0 && (in.size() + pad) % 4 != 0) {
    return InvalidArgumentError("base64: bad padding");
  }
  if (in.size() % 4 == 1) return InvalidArgumentError("base64: truncated input");
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    int8_t v = table[c];
    if (v < 0) return InvalidArgumentError("base64: invalid character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or two encodings would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base64: non-canonical trailing bits");
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kStd[(n >> 18) & 63];
    out += kStd[(n >> 12) & 63];
    out += kStd[(n >> 6) & 63];
    out += kStd[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kStd[(n >> 18) & 63];
    out += kStd[(n >> 12) & 63];
    out += (i + 1 < bytes.size()) ? kStd[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  static const auto table = DecodeTable('+', '/');
  return Decode(text, table, /*padding_optional=*/false);
}

StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  static const auto table = DecodeTable('-', '_');
  return Decode(text, table, /*padding_optional=*/true);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex: odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("hex: invalid character");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

}  // namespace connaisseur::crypto
