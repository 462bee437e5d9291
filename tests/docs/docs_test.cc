// docs/: every test docs/security.md names exists in the file it names (a renamed or deleted
// test must not leave a threat uncovered on paper), every repository path the docs mention
// exists, and no file of the repository points at design files outside it.
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

fs::path Root() { return fs::path(testing::SourceDir()); }

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "Suite.Name" (optionally "Prefix/Suite.Name/param") as GoogleTest declares it in source:
// "Suite, Name".
std::string Declaration(const std::string& reference) {
  std::string name = reference;
  if (const size_t slash = name.find('/'); slash != std::string::npos && slash < name.find('.')) {
    name = name.substr(slash + 1);  // instantiation prefix of a parameterized test
  }
  if (const size_t slash = name.find('/'); slash != std::string::npos) name = name.substr(0, slash);
  const size_t dot = name.find('.');
  return name.substr(0, dot) + ", " + name.substr(dot + 1);
}

TEST(DocsTest, EveryTestSecurityMdNamesExistsInItsFile) {
  const std::string text = Read(Root() / "docs/security.md");
  ASSERT_FALSE(text.empty());
  // Within a line, a test name belongs to the last test file named before it.
  const std::regex token(
      R"(`(tests/[A-Za-z0-9_/]+\.cc)`|`([A-Za-z0-9_/]+\.[A-Za-z0-9_]+(?:/[A-Za-z0-9_*]+)?)`)");
  std::istringstream lines(text);
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    std::string file;
    for (std::sregex_iterator it(line.begin(), line.end(), token), end; it != end; ++it) {
      if ((*it)[1].matched) {
        file = (*it)[1];
        EXPECT_TRUE(fs::exists(Root() / file)) << file;
        continue;
      }
      const std::string reference = (*it)[2];
      if (file.empty() || reference.find('.') == std::string::npos ||
          !std::isupper(static_cast<unsigned char>(reference[0]))) {
        continue;  // not a Suite.Test reference (e.g. `docs/operations.md`)
      }
      EXPECT_NE(Read(Root() / file).find(Declaration(reference)), std::string::npos)
          << reference << " is not in " << file;
      ++checked;
    }
  }
  EXPECT_GT(checked, 50) << "the threat model names the tests that cover it";
}

TEST(DocsTest, RepositoryPathsInTheDocsExist) {
  const std::regex path(
      R"(`((?:docs|examples|runtime|stdlib|scripts|validators|helm|tests)/[A-Za-z0-9_./-]*[A-Za-z0-9_])`)");
  for (const auto& entry : fs::directory_iterator(Root() / "docs")) {
    const std::string text = Read(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), path), end; it != end; ++it) {
      const std::string p = (*it)[1];
      if (p.find('*') != std::string::npos || p.find("<") != std::string::npos) continue;
      EXPECT_TRUE(fs::exists(Root() / p)) << entry.path().filename() << " names " << p;
    }
  }
}

TEST(DocsTest, NoFilePointsAtDesignFilesOutsideTheRepository) {
  // Spelled in pieces so this file does not itself contain the paths it looks for.
  const std::string shared = std::string("sha") + "red";
  const std::string design = std::string("des") + "ign/";
  const std::vector<std::string> outside = {"../" + shared, shared + "/" + design,
                                            design + "lua-api", design + "config",
                                            design + "webhook"};
  for (const auto& entry : fs::recursive_directory_iterator(Root())) {
    const std::string rel = fs::relative(entry.path(), Root()).string();
    if (!entry.is_regular_file() || rel.rfind(".git", 0) == 0 || rel.rfind("build", 0) == 0) {
      continue;
    }
    if (entry.file_size() > (4u << 20)) continue;
    const std::string text = Read(entry.path());
    for (const std::string& needle : outside) {
      EXPECT_EQ(text.find(needle), std::string::npos) << rel << " mentions " << needle;
    }
  }
}

}  // namespace
}  // namespace connaisseur
