// YamlDocument: a YAML text converted to JSON, with the line of every node.
//
// yaml-cpp is only touched here (its exceptions are caught here and nowhere else). The walk is
// bounded: aliases are expanded by yaml-cpp each time they are visited, so a "billion laughs"
// document of a few hundred bytes would otherwise unfold into gigabytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "runtime/config/diagnostics.h"
#include "runtime/status.h"

namespace connaisseur::config {

struct YamlLimits {
  size_t max_bytes = 4u << 20;  // input size; values files are a few KiB
  int max_depth = 64;           // nesting of mappings and sequences
  size_t max_nodes = 100'000;   // total nodes after alias expansion
};

struct YamlDocument {
  nlohmann::json root;  // null for an empty document
  LineMap lines;        // path ("application.policy[2].pattern") -> 1-based line
};

// Scalars follow the YAML 1.2 core schema: quoted and block scalars are strings; plain
// `true/false` (any of 3 casings) are bools, `null`/`~`/empty are null, decimal/0x/0o integers
// are numbers, anything else is a string (so YAML 1.1 `yes`/`on` stay strings and fail a bool
// check instead of silently meaning true). Duplicate keys and non-scalar keys are errors.
// Errors are kInvalidArgument "<source>:<line>: ..." and never quote document content.
StatusOr<YamlDocument> ParseYaml(std::string_view text, std::string_view source,
                                 const YamlLimits& limits = {});

}  // namespace connaisseur::config
