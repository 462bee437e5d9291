// The Connaisseur-shaped values corpus (tests/data/connaisseur-values/): files every Connaisseur
// release from v1.4 to v3.10 loads, each with the shapes its chart or documentation shipped.
// lint_command_test.cc checks their warnings, check_command_test.cc the verdicts they give.
#pragma once

#include <string>

#include "tests/testing/source_dirs.h"

namespace connaisseur::cli::testing {

inline std::string CorpusPath(const std::string& name) {
  return std::string(::connaisseur::testing::SourceDir()) + "/tests/data/connaisseur-values/" +
         name;
}

inline constexpr const char* kCorpus[] = {
    "v1.4-defaults.yaml",
    "v1.5-cosign.yaml",
    "v1-selfsigned-private-notary.yaml",
    "v2.0-defaults.yaml",
    "v2.x-documented-snippets.yaml",
    "v3.3-defaults.yaml",
    "v3.3-documented-snippets.yaml",
    "v3.10-defaults.yaml",
    "v3.10-documented-snippets.yaml",
    "v3.10-unknown-keys.yaml",
};

}  // namespace connaisseur::cli::testing
