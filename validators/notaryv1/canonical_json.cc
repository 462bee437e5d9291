#include "validators/notaryv1/canonical_json.h"

namespace connaisseur::notaryv1 {

namespace {

constexpr int kMaxDepth = 64;

void WriteString(const std::string& s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

Status Write(const nlohmann::json& v, int depth, std::string* out) {
  if (depth > kMaxDepth) return InvalidArgumentError("canonical JSON: nesting too deep");
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      *out += "null";
      return Status::Ok();
    case nlohmann::json::value_t::boolean:
      *out += v.get<bool>() ? "true" : "false";
      return Status::Ok();
    case nlohmann::json::value_t::number_integer:
      *out += std::to_string(v.get<int64_t>());
      return Status::Ok();
    case nlohmann::json::value_t::number_unsigned:
      *out += std::to_string(v.get<uint64_t>());
      return Status::Ok();
    case nlohmann::json::value_t::string:
      WriteString(v.get_ref<const std::string&>(), out);
      return Status::Ok();
    case nlohmann::json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : v) {
        if (!first) out->push_back(',');
        first = false;
        CN_RETURN_IF_ERROR(Write(item, depth + 1, out));
      }
      out->push_back(']');
      return Status::Ok();
    }
    case nlohmann::json::value_t::object: {
      // nlohmann's object is a std::map<std::string, ...>: iteration is bytewise key order.
      out->push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        WriteString(key, out);
        out->push_back(':');
        CN_RETURN_IF_ERROR(Write(item, depth + 1, out));
      }
      out->push_back('}');
      return Status::Ok();
    }
    case nlohmann::json::value_t::number_float:
      return InvalidArgumentError("canonical JSON: floating-point numbers are not allowed");
    default:
      return InvalidArgumentError("canonical JSON: unsupported value");
  }
}

}  // namespace

StatusOr<std::string> CanonicalJson(const nlohmann::json& value) {
  std::string out;
  CN_RETURN_IF_ERROR(Write(value, 0, &out));
  return out;
}

}  // namespace connaisseur::notaryv1
