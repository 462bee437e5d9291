// Layers pass typed contracts, not strings: no product code compares a validator kind against
// "static" (config::ValidatorType says the kind) or an outcome against "cache hit"
// (verification::CacheOutcome says it), and the digest-mismatch check lives in one place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/source_dirs.h"

namespace connaisseur {
namespace {

namespace fs = std::filesystem;

// Every product source (.h/.cc under runtime/, validators/, stdlib/) with its text.
std::vector<std::pair<std::string, std::string>> ProductSources() {
  const fs::path root(testing::SourceDir());
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* top : {"runtime", "validators", "stdlib"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      out.emplace_back(fs::relative(entry.path(), root).string(), text.str());
    }
  }
  return out;
}

// "file: line" of every line of product code matching `pattern`, outside runtime/config/ (the
// parsers, where the text of the values file becomes the enum).
std::vector<std::string> LinesMatching(const std::regex& pattern) {
  std::vector<std::string> found;
  for (const auto& [file, text] : ProductSources()) {
    if (file.starts_with("runtime/config/")) continue;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (std::regex_search(line, pattern)) found.push_back(file + ": " + line);
    }
  }
  return found;
}

TEST(TypedContractsTest, NoComparisonAgainstTheStaticValidatorsName) {
  EXPECT_THAT(LinesMatching(std::regex(R"re([!=]=\s*"static"|"static"\s*[!=]=)re")),
              ::testing::IsEmpty());
}

TEST(TypedContractsTest, NoComparisonAgainstCacheHitText) {
  EXPECT_THAT(
      LinesMatching(std::regex(
          R"re([!=]=\s*("cache hit"|kSkipCacheHit)|("cache hit"|kSkipCacheHit)\s*[!=]=)re")),
      ::testing::IsEmpty());
  // The outcome is not smuggled through the free-text detail either.
  EXPECT_THAT(LinesMatching(std::regex(R"re(detail\s*=\s*"cache hit")re")), ::testing::IsEmpty());
}

TEST(TypedContractsTest, TheDigestMismatchIsCheckedInOnePlace) {
  // "verified digest X differs from the digest pinned in the reference": the verifier's contract
  // (runtime/verification/image_verifier.h); the admission pipeline relies on it.
  const std::vector<std::string> checks =
      LinesMatching(std::regex(R"re(differs from the (digest|pinned))re"));
  ASSERT_EQ(checks.size(), 1u) << ::testing::PrintToString(checks);
  EXPECT_THAT(checks.front(), ::testing::StartsWith("validators/validator_set.cc: "));
}

}  // namespace
}  // namespace connaisseur
