#include "runtime/log/json_line.h"

#include <charconv>
#include <cmath>

namespace connaisseur::log {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = at(0);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size() || at(1) < low || at(1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (!IsContinuation(at(k))) return 0;
  }
  return length;
}

void AppendEscapedControl(std::string& out, unsigned char c) {
  switch (c) {
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
  }
}

void AppendNumber(std::string& out, double number) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), number);
  const std::string_view text(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
  out += text;
  // Written as a float, as nlohmann::json writes one: 3.0, not 3.
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void AppendInteger(std::string& out, int64_t integer) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), integer);
  out.append(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
}

// Printable ASCII that JSON strings hold as is.
bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// The JSON string escape of `text`, without the quotes.
void AppendEscaped(std::string& out, std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsPlain(c)) {  // copied as a run
      const size_t start = i;
      while (i < text.size() && IsPlain(static_cast<unsigned char>(text[i]))) ++i;
      out.append(text.data() + start, i - start);
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      AppendEscapedControl(out, c);
      ++i;
    } else if (const size_t length = Utf8SequenceLength(text, i); length > 0) {
      out.append(text.data() + i, length);
      i += length;
    } else {
      out += kReplacement;
      ++i;
    }
  }
}

// The items joined with ", " as one JSON string: escaping item by item is escaping the join.
template <typename Items>
void AppendJoined(std::string& out, const Items& items) {
  out += '"';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    AppendEscaped(out, items[i]);
  }
  out += '"';
}

void AppendValue(std::string& out, const Field& field) {
  switch (field.type()) {
    case Field::Type::kText:
      return AppendJsonString(out, field.text());
    case Field::Type::kInteger:
      return AppendInteger(out, field.integer());
    case Field::Type::kNumber:
      return AppendNumber(out, field.number());
    case Field::Type::kBool:
      out += field.flag() ? "true" : "false";
      return;
    case Field::Type::kTextList:
      return AppendJoined(out, field.items());
    case Field::Type::kStringList:
      return AppendJoined(out, field.strings());
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  AppendEscaped(out, text);
  out += '"';
}

void AppendJsonLine(std::string& out, std::string_view time, std::string_view level,
                    std::string_view msg, std::span<const Field> fields) {
  out += "{\"time\":";
  AppendJsonString(out, time);
  out += ",\"level\":";
  AppendJsonString(out, level);
  out += ",\"msg\":";
  AppendJsonString(out, msg);
  for (const Field& field : fields) {
    const std::string_view key = field.key();
    out += ',';
    if (key == "time" || key == "level" || key == "msg") {
      out += "\"field_";
      out += key;
      out += '"';
    } else {
      AppendJsonString(out, key);
    }
    out += ':';
    AppendValue(out, field);
  }
  out += "}\n";
}

}  // namespace connaisseur::log
