#include "runtime/config/field_reader.h"

#include <algorithm>

namespace connaisseur::config {
namespace {

using nlohmann::json;

std::string SnakeToCamel(std::string_view key) {
  std::string out;
  bool upper = false;
  for (char c : key) {
    if (c == '_' && !out.empty()) {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // The distance is at least the difference in length; skipping the table then keeps a
  // megabyte-long unknown key from costing megabytes x known keys of work.
  const size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (length_gap > 2) return length_gap;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

// "pattern" -> "Pattern", for the v3.10-style "Pattern is a required field".
std::string Capitalised(std::string_view key) {
  std::string out(key);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

}  // namespace

std::string_view JsonTypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "a mapping";
    case json::value_t::array:
      return "a list";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::null:
      return "null";
    default:
      return "an unsupported value";
  }
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

FieldReader::FieldReader(const json& value, std::string path, Diagnostics& diag, Dialect dialect)
    : path_(std::move(path)), diag_(diag), dialect_(dialect) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    diag_.Error(path_, "expected a mapping, got " + std::string(JsonTypeName(value)));
  }
}

void FieldReader::Alias(std::string_view legacy, std::string_view key) {
  if (dialect_ == Dialect::kV2) aliases_.emplace(std::string(legacy), std::string(key));
}

std::string FieldReader::Canonical(std::string_view written) const {
  if (dialect_ != Dialect::kV2) return std::string(written);
  std::string camel = SnakeToCamel(written);
  if (auto it = aliases_.find(camel); it != aliases_.end()) return it->second;
  return camel;
}

const json* FieldReader::Get(std::string_view key) {
  if (std::find(requested_.begin(), requested_.end(), key) == requested_.end()) {
    requested_.emplace_back(key);
  }
  if (object_ == nullptr) return nullptr;
  const json* found = nullptr;
  std::string found_spelling;
  for (const auto& [written, value] : object_->items()) {
    if (Canonical(written) != key) continue;
    if (found != nullptr) {
      diag_.Error(JoinPath(path_, written),
                  "both \"" + found_spelling + "\" and \"" + written + "\" are given");
      continue;
    }
    found = &value;
    found_spelling = written;
  }
  if (found == nullptr) return nullptr;
  read_.emplace(key);
  spelling_[std::string(key)] = found_spelling;
  return found->is_null() ? nullptr : found;
}

bool FieldReader::Has(std::string_view key) { return Get(key) != nullptr; }

std::string FieldReader::PathOf(std::string_view key) const {
  auto it = spelling_.find(key);
  return JoinPath(path_, it != spelling_.end() ? std::string_view(it->second) : key);
}

void FieldReader::TypeError(std::string_view key, std::string_view expected, const json& got) {
  diag_.Error(PathOf(key),
              "expected " + std::string(expected) + ", got " + std::string(JsonTypeName(got)));
}

std::optional<std::string> FieldReader::String(std::string_view key, bool required) {
  const json* v = Get(key);
  if (v == nullptr) {
    if (required && is_mapping()) diag_.Error(path_, Capitalised(key) + " is a required field");
    return std::nullopt;
  }
  if (!v->is_string()) {
    TypeError(key, "a string", *v);
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> FieldReader::Bool(std::string_view key, bool required) {
  const json* v = Get(key);
  if (v == nullptr) {
    if (required && is_mapping()) diag_.Error(path_, Capitalised(key) + " is a required field");
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    TypeError(key, "a bool (true or false)", *v);
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<int64_t> FieldReader::Int(std::string_view key, int64_t min, int64_t max,
                                        bool required) {
  const json* v = Get(key);
  if (v == nullptr) {
    if (required && is_mapping()) diag_.Error(path_, Capitalised(key) + " is a required field");
    return std::nullopt;
  }
  if (!v->is_number_integer()) {
    TypeError(key, "an integer", *v);
    return std::nullopt;
  }
  int64_t n = v->get<int64_t>();
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) n = max;
  if (n < min || n > max) {
    diag_.Error(PathOf(key), "must be between " + std::to_string(min) + " and " +
                                 std::to_string(max) + ", got " + std::to_string(n));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::string>> FieldReader::StringList(std::string_view key,
                                                                bool non_empty) {
  const json* v = List(key);
  if (v == nullptr) return std::nullopt;
  if (non_empty && v->empty()) {
    diag_.Error(PathOf(key), "must contain at least 1 item");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      diag_.Error(IndexPath(PathOf(key), i),
                  "expected a non-empty string, got " +
                      std::string(item.is_string() ? "an empty string" : JsonTypeName(item)));
      ok = false;
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  if (!ok) return std::nullopt;
  return out;
}

const json* FieldReader::Mapping(std::string_view key) {
  const json* v = Get(key);
  if (v != nullptr && !v->is_object()) {
    TypeError(key, "a mapping", *v);
    return nullptr;
  }
  return v;
}

const json* FieldReader::List(std::string_view key) {
  const json* v = Get(key);
  if (v != nullptr && !v->is_array()) {
    TypeError(key, "a list", *v);
    return nullptr;
  }
  return v;
}

std::string UnknownKeyMessage(const UnknownKey& unknown) {
  if (unknown.suggestion.empty()) return "unknown key";
  return "unknown key (" + unknown.suggestion + ")";
}

std::vector<UnknownKey> FieldReader::UnknownKeys() const {
  std::vector<UnknownKey> out;
  if (object_ == nullptr) return out;
  for (const auto& [written, value] : object_->items()) {
    if (read_.count(Canonical(written)) > 0) continue;
    std::string suggestion;
    for (const std::string& known : requested_) {
      if (EditDistance(Canonical(written), known) <= 2) {
        suggestion = "did you mean \"" + known + "\"?";
        break;
      }
    }
    out.push_back({JoinPath(path_, written), written, std::move(suggestion)});
  }
  return out;
}

void FieldReader::Finish() {
  for (const UnknownKey& unknown : UnknownKeys()) {
    diag_.Warning(unknown.path, UnknownKeyMessage(unknown) + ", ignored");
  }
}

}  // namespace connaisseur::config
