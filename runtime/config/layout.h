// Layout detection and translation of the three helm values layouts to the typed Config
// (docs/configuration.md "Layouts").
//
// v3 (`application:`) is primary; the rendered `{validators, policy}` document the chart mounts
// is read like v3's application section. v2 (top-level `validators`, snake_case keys) and v1
// (one implicit `notary:`) are translated to the same structs and add a deprecation warning.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"

namespace connaisseur::config {

// Detects the layout of `root` and parses it into *config (layout, validators, policy,
// features, alerting, ...). Problems go to `diag`.
void ParseDocument(const nlohmann::json& root, Diagnostics& diag, Config* config);

// v2 and v1 translations (legacy_layouts.cc), called by ParseDocument.
void ParseV2Document(const nlohmann::json& root, Diagnostics& diag, Config* config);
void ParseV1Document(const nlohmann::json& root, Diagnostics& diag, Config* config);

}  // namespace connaisseur::config
