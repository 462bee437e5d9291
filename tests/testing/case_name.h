// CaseName: a case's description ("root byte flipped") as a GoogleTest parameter name
// ("RootByteFlipped"), so that every case of a TEST_P shows its own name in the output.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>

namespace connaisseur::testing {

// Each word capitalised; everything but ASCII letters and digits dropped.
inline std::string CaseName(std::string_view description) {
  std::string name;
  bool word_start = true;
  for (const char c : description) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u)) {
      word_start = true;
      continue;
    }
    name.push_back(word_start ? static_cast<char>(std::toupper(u)) : c);
    word_start = false;
  }
  return name;
}

// The name generator INSTANTIATE_TEST_SUITE_P takes, for parameters with a `name` member.
struct NameOfCase {
  template <typename Param>
  std::string operator()(const ::testing::TestParamInfo<Param>& info) const {
    return CaseName(info.param.name);
  }
};

}  // namespace connaisseur::testing
