// scripts/default.lua, compiled into cn_scripts (scripts/CMakeLists.txt): Connaisseur's
// most-specific-match policy, run when the values name no policy script and handed to scripts by
// connaisseur.default_policy().
#pragma once

#include <string_view>

namespace connaisseur::embedded {

extern const std::string_view kDefaultPolicyLua;

}  // namespace connaisseur::embedded
