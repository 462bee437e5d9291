// Reads files under tests/data/cosign/ (public sigstore vectors; see its README).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "tests/testing/source_dirs.h"

namespace connaisseur::cosign::testing {

inline std::string ReadTestData(const std::string& relative) {
  std::ifstream in(
      std::string(::connaisseur::testing::SourceDir()) + "/tests/data/cosign/" + relative,
      std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace connaisseur::cosign::testing
