#include "runtime/admission/json_nesting.h"

#include <bitset>
#include <string>

namespace connaisseur::admission {
namespace {

// Heap bytes per part of a nlohmann::json tree (64-bit libstdc++ + glibc malloc, rounded up):
// a value is 16 bytes inside its parent; an array slot is counted three times (the vector at
// its worst growth step holds the old and the doubled buffer); an object member is a std::map
// node (links, key std::string, value); a string value is a separately allocated std::string;
// a container is a separately allocated std::vector or std::map; strings longer than the small-
// string buffer (15) add their own buffer.
constexpr size_t kArraySlot = 3 * 16;
constexpr size_t kObjectMember = 96;
constexpr size_t kStringValue = 48;
constexpr size_t kContainer = 64;
constexpr size_t kLongStringOverhead = 32;
constexpr size_t kShortStringMax = 15;

Status TooDeep(int max_depth) {
  return InvalidArgumentError("JSON nested deeper than " + std::to_string(max_depth) + " levels");
}

}  // namespace

Status CheckJsonNesting(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return TooDeep(max_depth);
        break;
      case ']':
      case '}':
        --depth;  // unbalanced input is the parser's business
        break;
      default:
        break;
    }
  }
  return Status::Ok();
}

StatusOr<size_t> MeasureJsonTree(std::string_view text, int max_depth) {
  CN_RETURN_IF_ERROR(CheckJsonNesting(text, max_depth));
  if (text.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("NUL byte in the body (only whitespace may follow the JSON value)");
  }
  std::bitset<kMaxJsonNesting + 2> in_array;  // per open level; deeper text was refused above
  int depth = 0;
  size_t bytes = 16;  // the root value
  for (size_t i = 0; i < text.size(); ++i) {
    switch (text[i]) {
      case '"': {
        const size_t start = i;
        for (++i; i < text.size() && text[i] != '"'; ++i) {
          if (text[i] == '\\') ++i;
        }
        const size_t length = i - start - 1;  // escaped length >= decoded length
        bytes += kStringValue + (length > kShortStringMax ? length + kLongStringOverhead : 0);
        break;
      }
      case '[':
      case '{':
        bytes += kContainer;
        if (depth < kMaxJsonNesting + 1) ++depth;
        in_array[depth] = text[i] == '[';
        if (text[i] == '[') bytes += kArraySlot;  // its first element, if any
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case ',':
        if (in_array[depth]) bytes += kArraySlot;
        break;
      case ':':
        bytes += kObjectMember;
        break;
      default:
        break;
    }
  }
  return bytes;
}

}  // namespace connaisseur::admission
