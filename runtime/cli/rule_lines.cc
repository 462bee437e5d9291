#include "runtime/cli/rule_lines.h"

#include <yaml-cpp/yaml.h>

namespace connaisseur::cli {

std::vector<int> PolicyRuleLines(const std::string& path) {
  std::vector<int> lines;
  // yaml-cpp throws on syntax errors; the configuration loader has already reported those, so
  // here a failure just means "no line numbers".
  try {
    const YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap()) return lines;
    YAML::Node policy;
    if (const YAML::Node app = root["application"]; app.IsMap() && app["policy"].IsSequence()) {
      policy = app["policy"];
    } else if (root["policy"].IsSequence()) {
      policy = root["policy"];
    } else {
      return lines;
    }
    for (const YAML::Node& rule : policy) lines.push_back(rule.Mark().line + 1);
  } catch (const YAML::Exception&) {
    lines.clear();
  }
  return lines;
}

}  // namespace connaisseur::cli
