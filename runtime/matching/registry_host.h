// The registry host rule of matching (README "Matching is anchored"): the host of a pattern or
// of a normalised image is its bytes before the first '/' (all of them when it has none), and
// it compares case-insensitively; everything from the first '/' on compares exactly. Glob
// (Options::host_case_insensitive), RuleIndex and Specificity apply it; `lint` uses these
// helpers to reason about patterns the same way.
#pragma once

#include <string>
#include <string_view>

namespace connaisseur::matching {

// The host part of `text`: its bytes before the first '/', or all of `text`.
std::string_view RegistryHost(std::string_view text);

// `text` with its host's ASCII letters lower-cased: two patterns with the same folded form
// match the same images.
std::string FoldRegistryHost(std::string_view text);

}  // namespace connaisseur::matching
