// FieldReader: typed, strict reads of one mapping of the configuration.
//
// Each section parser opens a FieldReader on its mapping, reads the keys it knows, and calls
// Finish(), which warns about every key nobody read as `<path>.<key>: unknown key (did you mean
// "x"?), ignored`: Connaisseur decodes YAML into Go structs and ignores such keys, so the file
// loads. Where ignoring a key could weaken verification (a rule's `with`, a validator), the
// parser takes UnknownKeys() instead and denies what the mapping governs. Type errors name the
// expected and the actual JSON type, never the value (it may be a password). An explicit `null`
// counts as absent, as in Helm.
//
// Dialect::kV2 also accepts the snake_case spelling of every key (`trust_roots` for
// `trustRoots`) plus the renames registered with Alias(); paths keep the user's spelling.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config/diagnostics.h"

namespace connaisseur::config {

enum class Dialect { kV3, kV2 };

// A key of a mapping that no parser read.
struct UnknownKey {
  std::string path;        // as written: "application.policy[0].with.trustRot"
  std::string key;         // as written: "trustRot"
  std::string suggestion;  // `did you mean "trustRoot"?` for a near miss, else ""
};

// "unknown key" plus " (did you mean ...)" when there is a suggestion.
std::string UnknownKeyMessage(const UnknownKey& unknown);

// "mapping", "list", "string", "bool", "integer", "number", "null".
std::string_view JsonTypeName(const nlohmann::json& value);

class FieldReader {
 public:
  // `value` and `diag` must outlive the reader. A non-mapping `value` is reported once
  // ("expected a mapping, got a list") and every read then finds nothing.
  FieldReader(const nlohmann::json& value, std::string path, Diagnostics& diag,
              Dialect dialect = Dialect::kV3);

  // v2 only: `legacy` (after snake_case → camelCase) is read as `key`.
  void Alias(std::string_view legacy, std::string_view key);

  bool is_mapping() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  Diagnostics& diag() { return diag_; }
  Dialect dialect() const { return dialect_; }

  // The value of `key` (marking it read), or nullptr when absent or null.
  const nlohmann::json* Get(std::string_view key);
  bool Has(std::string_view key);
  // Path of `key` as the user spelled it.
  std::string PathOf(std::string_view key) const;

  // Typed reads: nullopt when absent or on a type error (reported). `required` reports
  // "<path>: <what> is a required field" when absent.
  std::optional<std::string> String(std::string_view key, bool required = false);
  std::optional<bool> Bool(std::string_view key, bool required = false);
  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max, bool required = false);
  std::optional<std::vector<std::string>> StringList(std::string_view key, bool non_empty);
  // A nested mapping (type-checked), or nullptr.
  const nlohmann::json* Mapping(std::string_view key);
  // A list (type-checked), or nullptr.
  const nlohmann::json* List(std::string_view key);

  // Marks a key as known without reading it (chart-only keys).
  void Ignore(std::string_view key) { (void)Get(key); }

  // Warns about every unread key ("..., ignored"). Call once, after all reads.
  void Finish();
  // The unread keys, in document order, without reporting them: for callers that deny what
  // the mapping governs. Call after all reads, instead of Finish().
  std::vector<UnknownKey> UnknownKeys() const;

 private:
  std::string Canonical(std::string_view key) const;
  void TypeError(std::string_view key, std::string_view expected, const nlohmann::json& got);

  const nlohmann::json* object_ = nullptr;
  std::string path_;
  Diagnostics& diag_;
  Dialect dialect_;
  std::map<std::string, std::string, std::less<>> aliases_;   // legacy → key
  std::map<std::string, std::string, std::less<>> spelling_;  // canonical → as written
  std::set<std::string, std::less<>> read_;                   // canonical keys read
  std::vector<std::string> requested_;                        // for "did you mean"
};

// Checks a free-form string for what no identifier or URL may contain: control characters.
bool HasControlChars(std::string_view s);

}  // namespace connaisseur::config
