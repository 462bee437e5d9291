// Diagnostics: the errors and warnings found while loading one values file.
//
// Every parser of the config folder reports into one Diagnostics instead of returning at the
// first problem, so a user sees ALL problems of a file at once. Each entry carries the path in
// the document as the user wrote it (`application.policy[2].validator`) and, when known, the
// YAML line: `values.yaml:14: application.policy[2].validator: expected a string, got a list`.
// Messages never contain configuration values that may be secret: callers pass key names,
// types and enum values only.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::config {

// Line (1-based) of each path in the YAML document, filled by ParseYaml.
using LineMap = std::map<std::string, int, std::less<>>;

// Builds "parent.key" ("key" at the root) and "parent[i]".
std::string JoinPath(std::string_view parent, std::string_view key);
std::string IndexPath(std::string_view parent, size_t index);

class Diagnostics {
 public:
  // `source` names the file in messages; `lines` may be null (JSON from a Lua script) and must
  // outlive this object.
  Diagnostics(std::string source, const LineMap* lines)
      : source_(std::move(source)), lines_(lines) {}

  void Error(std::string_view path, std::string_view message);
  void Warning(std::string_view path, std::string_view message);

  // "values.yaml:14: application.validators[2]": where `path` is, for messages built later.
  std::string Locate(std::string_view path) const;

  bool has_errors() const { return !errors_.empty(); }
  const std::vector<std::string>& warnings() const { return warnings_; }

  // OK when there is no error; else kInvalidArgument with one error per line, in document
  // order (errors without a line first).
  Status ToStatus() const;

 private:
  std::string Format(std::string_view path, std::string_view message) const;
  // Line of `path` or of its nearest ancestor that has one; 0 when unknown.
  int LineOf(std::string_view path) const;

  std::string source_;
  const LineMap* lines_;
  std::vector<std::pair<int, std::string>> errors_;  // line, formatted message
  std::vector<std::string> warnings_;
};

}  // namespace connaisseur::config
