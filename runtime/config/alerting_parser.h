// Parsing of the top-level `alerting:` section (docs/configuration.md "alerting"); v2 snake_case
// keys mapped.
//
// Receiver URLs and headers may carry tokens: they are parsed and stored but never quoted in a
// message. Whether the template file exists is checked by the alerting module, which knows the
// template directory.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/config/config.h"
#include "runtime/config/diagnostics.h"
#include "runtime/config/field_reader.h"

namespace connaisseur::config {

AlertingConfig ParseAlerting(const nlohmann::json& alerting, const std::string& path,
                             Dialect dialect, Diagnostics& diag);

}  // namespace connaisseur::config
