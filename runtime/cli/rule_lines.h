// PolicyRuleLines: the line of each `policy` rule in a values file, so `lint` can point at it.
#pragma once

#include <string>
#include <vector>

namespace connaisseur::cli {

// 1-based line of each rule of `application.policy` (or top-level `policy`), in order. Empty
// when the file cannot be read or has no such list (callers then name only the file).
std::vector<int> PolicyRuleLines(const std::string& path);

}  // namespace connaisseur::cli
