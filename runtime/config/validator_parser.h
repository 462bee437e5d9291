// Parsing of `application.validators[*]` (docs/configuration.md "Validators").
//
// Every type's options are checked at load time, including types whose validator is not built
// yet, so a config that loads today keeps loading when the validator lands.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"
#include "runtime/config/field_reader.h"

namespace connaisseur::config {

// Parses the validator list at `path` (required, >= 1 entry). Entries too broken to name
// (no name or no valid type) are reported and left out.
std::vector<ValidatorConfig> ParseValidators(const nlohmann::json* validators,
                                             const std::string& path, Dialect dialect,
                                             Diagnostics& diag);

// Marks `v` unusable for `reason` (the first reason wins) and warns at `path` that images routed
// to it are denied.
void MarkUnusable(Diagnostics& diag, const std::string& path, std::string reason,
                  ValidatorConfig& v);
// The same for a trust root whose key is empty or blank (Connaisseur's chart left it empty).
void MarkEmptyKey(Diagnostics& diag, const std::string& path, const std::string& root_name,
                  ValidatorConfig& v);

// Reads `host` of a notaryv1 validator (default notary.docker.io): a host name or https:// URL
// without credentials. Also used by the v1 layout translation.
void ParseNotaryHost(FieldReader& r, ValidatorConfig& v);

// Parses an `auth:` mapping (also used by the v1 layout translation).
Auth ParseAuth(FieldReader& r);

}  // namespace connaisseur::config
