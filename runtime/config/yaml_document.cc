#include "runtime/config/yaml_document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>
#include <sstream>
#include <string>

namespace connaisseur::config {
namespace {

using nlohmann::json;

bool IsNull(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> AsBool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<int64_t> AsInt(const std::string& s) {
  std::string_view v = s;
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o')) {
    base = v[1] == 'x' ? 16 : 8;
    v.remove_prefix(2);
  }
  if (v.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), magnitude, base);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  if (magnitude > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  auto value = static_cast<int64_t>(magnitude);
  return negative ? -value : value;
}

std::optional<double> AsFloat(const std::string& s) {
  // Only digits, sign, dot and exponent: keeps "1.2.3" and "nan"-like words strings.
  if (s.find_first_not_of("0123456789+-.eE") != std::string::npos) return std::nullopt;
  if (s.find_first_of("0123456789") == std::string::npos) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

json ResolveScalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  const std::string& tag = node.Tag();
  // "!" marks a quoted or block scalar; an explicit !!str tag also forces a string.
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
  if (IsNull(text)) return nullptr;
  if (auto b = AsBool(text)) return *b;
  if (auto i = AsInt(text)) return *i;
  if (auto f = AsFloat(text)) return *f;
  return text;
}

class Converter {
 public:
  Converter(const YamlLimits& limits, std::string_view source, LineMap& lines)
      : limits_(limits), source_(source), lines_(lines) {}

  Status Convert(const YAML::Node& node, const std::string& path, int depth, json& out) {
    if (++nodes_ > limits_.max_nodes) {
      return Fail(node, "document has more than " + std::to_string(limits_.max_nodes) +
                            " nodes (after expanding aliases)");
    }
    if (depth > limits_.max_depth) {
      return Fail(node, "document is nested deeper than " + std::to_string(limits_.max_depth));
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return Status::Ok();
      case YAML::NodeType::Scalar:
        out = ResolveScalar(node);
        return Status::Ok();
      case YAML::NodeType::Sequence: {
        out = json::array();
        size_t i = 0;
        for (const YAML::Node& item : node) {
          std::string item_path = IndexPath(path, i++);
          Record(item_path, item);
          json value;
          CN_RETURN_IF_ERROR(Convert(item, item_path, depth + 1, value));
          out.push_back(std::move(value));
        }
        return Status::Ok();
      }
      case YAML::NodeType::Map: {
        out = json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) return Fail(entry.first, "mapping keys must be scalars");
          const std::string& key = entry.first.Scalar();
          if (out.contains(key)) return Fail(entry.first, "duplicate key \"" + key + "\"");
          std::string key_path = JoinPath(path, key);
          Record(key_path, entry.first);
          json value;
          CN_RETURN_IF_ERROR(Convert(entry.second, key_path, depth + 1, value));
          out[key] = std::move(value);
        }
        return Status::Ok();
      }
    }
    return Fail(node, "unknown YAML node type");
  }

 private:
  void Record(const std::string& path, const YAML::Node& node) {
    YAML::Mark mark = node.Mark();
    if (!mark.is_null()) lines_.emplace(path, mark.line + 1);
  }

  Status Fail(const YAML::Node& node, const std::string& message) const {
    std::string out(source_);
    YAML::Mark mark = node.Mark();
    if (!mark.is_null()) out += ":" + std::to_string(mark.line + 1);
    return InvalidArgumentError(out + ": " + message);
  }

  const YamlLimits& limits_;
  std::string_view source_;
  LineMap& lines_;
  size_t nodes_ = 0;
};

// Counts the documents of `yaml`, stopping at 2: all ParseYaml needs. Not YAML::LoadAll: in
// yaml-cpp 0.7 a ',' at document level ("," or "[a],") is never consumed, so LoadAll appends
// empty documents until memory runs out (found by tests/fuzz/config_fuzz.cc; regression file
// tests/fuzz/corpus/config/regression-comma-at-document-level). Throws YAML::Exception.
size_t CountDocuments(const std::string& yaml) {
  class Ignore final : public YAML::EventHandler {
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } ignore;
  std::istringstream in(yaml);
  YAML::Parser parser(in);
  size_t documents = 0;
  while (documents < 2 && parser.HandleNextDocument(ignore)) ++documents;
  return documents;
}

}  // namespace

StatusOr<YamlDocument> ParseYaml(std::string_view text, std::string_view source,
                                 const YamlLimits& limits) {
  std::string where(source);
  if (text.size() > limits.max_bytes) {
    return InvalidArgumentError(where + ": file is larger than " +
                                std::to_string(limits.max_bytes) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(where + ": file contains NUL bytes (not a YAML text)");
  }
  const std::string yaml(text);
  size_t documents = 0;
  YAML::Node first;
  try {
    documents = CountDocuments(yaml);
    if (documents == 1) first = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's description without document content; the mark gives the position.
    std::string out = where;
    if (!e.mark.is_null()) {
      out += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return InvalidArgumentError(out + ": invalid YAML: " + e.msg);
  }
  if (documents > 1) {
    return InvalidArgumentError(where + ": expected one YAML document, found 2 or more");
  }
  YamlDocument doc;
  if (documents == 0) return doc;
  Converter converter(limits, where, doc.lines);
  try {
    CN_RETURN_IF_ERROR(converter.Convert(first, "", 0, doc.root));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(where + ": invalid YAML: " + e.msg);
  }
  return doc;
}

}  // namespace connaisseur::config
