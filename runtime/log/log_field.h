// Field: one field of a log line, borrowing its key and value for the duration of the call, so a
// line is described without allocating (the per-request summary line, docs/operations.md "Logs").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace connaisseur::log {

class Field {
 public:
  enum class Type { kText, kInteger, kNumber, kBool, kTextList, kStringList };

  Field(std::string_view key, std::string_view text) : key_(key), type_(Type::kText), text_(text) {}
  Field(std::string_view key, const char* text) : Field(key, std::string_view(text)) {}
  Field(std::string_view key, const std::string& text) : Field(key, std::string_view(text)) {}
  Field(std::string_view key, bool flag) : key_(key), type_(Type::kBool), integer_(flag) {}
  Field(std::string_view key, int integer) : Field(key, static_cast<int64_t>(integer)) {}
  Field(std::string_view key, int64_t integer)
      : key_(key), type_(Type::kInteger), integer_(integer) {}
  Field(std::string_view key, double number) : key_(key), type_(Type::kNumber), number_(number) {}
  // The items joined with ", " (one string in the line).
  Field(std::string_view key, std::span<const std::string_view> items)
      : key_(key), type_(Type::kTextList), items_(items) {}
  Field(std::string_view key, std::span<const std::string> strings)
      : key_(key), type_(Type::kStringList), strings_(strings) {}

  std::string_view key() const { return key_; }
  Type type() const { return type_; }
  std::string_view text() const { return text_; }
  int64_t integer() const { return integer_; }
  bool flag() const { return integer_ != 0; }
  double number() const { return number_; }
  std::span<const std::string_view> items() const { return items_; }
  std::span<const std::string> strings() const { return strings_; }

 private:
  std::string_view key_;
  Type type_;
  std::string_view text_;
  int64_t integer_ = 0;
  double number_ = 0;
  std::span<const std::string_view> items_;
  std::span<const std::string> strings_;
};

}  // namespace connaisseur::log
