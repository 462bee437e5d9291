// The tree's dependency rules, read from the sources and the CMake files so they stay true:
// - the interfaces sit where both sides can see them: validators/, runtime/sandbox/ and
//   runtime/policy/ include (and name) nothing of runtime/admission/; ImageVerifier,
//   VerifiedImage and PullContext live in runtime/verification/, AlertNotifier in
//   runtime/alerting/;
// - every CMake target links what its files include (a direct dependency, not one that happens
//   to arrive through another target), so no library copies a helper to avoid a link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
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

// Repository-relative paths of the .h/.cc files directly in `folder` (not below it).
std::vector<std::string> SourcesIn(const std::string& folder) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(Root() / folder)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cc")) {
      out.push_back(folder + "/" + entry.path().filename().string());
    }
  }
  return out;
}

// The same for `folder` and every folder below it.
std::vector<std::string> SourcesUnder(const std::string& folder) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(Root() / folder)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cc")) {
      out.push_back(fs::relative(entry.path(), Root()).string());
    }
  }
  return out;
}

// The quoted includes of a file ("runtime/admission/reviewer.h", ...).
std::vector<std::string> IncludesOf(const std::string& file) {
  static const std::regex include(R"re(#include "([^"]+)")re");
  const std::string text = Read(Root() / file);
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), include), end; it != end; ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

// Every file under `folder` that includes a file under `forbidden` or names its namespace
// (a forward declaration is a dependency too), as "file -> what".
std::vector<std::string> ReferencesTo(const std::string& folder, const std::string& forbidden,
                                      const std::string& forbidden_namespace) {
  std::vector<std::string> found;
  for (const std::string& file : SourcesUnder(folder)) {
    for (const std::string& included : IncludesOf(file)) {
      if (included.starts_with(forbidden + "/")) found.push_back(file + " -> " + included);
    }
    const std::string text = Read(Root() / file);
    if (text.find(forbidden_namespace) != std::string::npos) {
      found.push_back(file + " -> " + forbidden_namespace);
    }
  }
  return found;
}

TEST(DependencyRulesTest, ValidatorsIncludeNothingFromAdmission) {
  EXPECT_THAT(ReferencesTo("validators", "runtime/admission", "admission::"), ::testing::IsEmpty());
}

TEST(DependencyRulesTest, SandboxIncludesNothingFromAdmission) {
  EXPECT_THAT(ReferencesTo("runtime/sandbox", "runtime/admission", "admission::"),
              ::testing::IsEmpty());
}

TEST(DependencyRulesTest, PolicyIncludesNothingFromAdmission) {
  EXPECT_THAT(ReferencesTo("runtime/policy", "runtime/admission", "admission::"),
              ::testing::IsEmpty());
}

TEST(DependencyRulesTest, VerificationIncludesNothingOfEitherSide) {
  EXPECT_THAT(ReferencesTo("runtime/verification", "runtime/admission", "admission::"),
              ::testing::IsEmpty());
  EXPECT_THAT(ReferencesTo("runtime/verification", "validators", "validators::"),
              ::testing::IsEmpty());
}

TEST(DependencyRulesTest, InterfacesLiveOutsideAdmission) {
  EXPECT_TRUE(fs::exists(Root() / "runtime/verification/image_verifier.h"));
  EXPECT_TRUE(fs::exists(Root() / "runtime/verification/pull_context.h"));
  EXPECT_TRUE(fs::exists(Root() / "runtime/alerting/alert_notifier.h"));
  // No interface of the verifying or alerting side is declared in admission.
  const std::regex declaration(
      R"(\b(class|struct)\s+(ImageVerifier|VerifiedImage|PullContext|AlertNotifier|AlertEvent)\b)");
  for (const std::string& file : SourcesUnder("runtime/admission")) {
    const std::string text = Read(Root() / file);
    EXPECT_FALSE(std::regex_search(text, declaration)) << file;
  }
}

TEST(DependencyRulesTest, AlertingImplementsTheInterfaceOfItsOwnFolder) {
  const std::string dispatcher = Read(Root() / "runtime/alerting/alert_dispatcher.h");
  EXPECT_THAT(dispatcher, ::testing::HasSubstr("#include \"runtime/alerting/alert_notifier.h\""));
  EXPECT_THAT(dispatcher, ::testing::HasSubstr("public AlertNotifier"));
  for (const std::string& file : SourcesUnder("runtime/alerting")) {
    for (const std::string& included : IncludesOf(file)) {
      EXPECT_NE(included, "runtime/admission/alert_notifier.h") << file;
    }
  }
}

// --- every target links what it includes ------------------------------------------------------

// The library and executable targets of the product folders, read from their CMakeLists.txt.
struct Targets {
  std::map<std::string, std::set<std::string>> deps;  // target → what it links
  std::map<std::string, std::string> folder_target;   // folder → its cn_library (or executable)
  std::map<std::string, std::string> file_target;     // header named by an add_library → target

  std::string TargetOf(const std::string& file) const {
    if (auto it = file_target.find(file); it != file_target.end()) return it->second;
    auto it = folder_target.find(fs::path(file).parent_path().string());
    return it == folder_target.end() ? "" : it->second;
  }
};

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

void ReadCMakeLists(const std::string& folder, Targets* targets) {
  std::string text = Read(Root() / folder / "CMakeLists.txt");
  text = std::regex_replace(text, std::regex("#[^\n]*"), "");
  static const std::regex library(R"(cn_library\(\s*(\w+)\s+DEPS([^)]*)\))");
  static const std::regex added(R"(add_(library|executable)\(\s*(\w+)([^)]*)\))");
  static const std::regex links(R"(target_link_libraries\(\s*(\w+)([^)]*)\))");
  for (std::sregex_iterator it(text.begin(), text.end(), library), end; it != end; ++it) {
    for (const std::string& dep : Words((*it)[2])) targets->deps[(*it)[1]].insert(dep);
    targets->folder_target[folder] = (*it)[1];
  }
  for (std::sregex_iterator it(text.begin(), text.end(), added), end; it != end; ++it) {
    const std::string name = (*it)[2];
    targets->deps[name];
    bool lists_headers = false;
    for (const std::string& source : Words((*it)[3])) {
      if (!source.ends_with(".h")) continue;
      targets->file_target[folder + "/" + source] = name;
      lists_headers = true;
    }
    // A folder's one non-cn_library target owns the folder (the binary, the embedded scripts).
    if (!lists_headers && !targets->folder_target.contains(folder) &&
        ((*it)[1] == "executable" || fs::exists(Root() / folder / "default_policy.h"))) {
      targets->folder_target[folder] = name;
    }
  }
  for (std::sregex_iterator it(text.begin(), text.end(), links), end; it != end; ++it) {
    for (const std::string& dep : Words((*it)[2])) {
      if (dep == "PUBLIC" || dep == "PRIVATE" || dep == "INTERFACE" || dep.starts_with("-")) {
        continue;
      }
      targets->deps[(*it)[1]].insert(dep);
    }
  }
}

Targets ProductTargets() {
  Targets targets;
  for (const char* top : {"runtime", "validators", "stdlib", "scripts"}) {
    for (const auto& entry : fs::recursive_directory_iterator(Root() / top)) {
      if (entry.path().filename() == "CMakeLists.txt") {
        ReadCMakeLists(fs::relative(entry.path().parent_path(), Root()).string(), &targets);
      }
    }
  }
  return targets;
}

TEST(DependencyRulesTest, EveryTargetLinksWhatItsFilesInclude) {
  const Targets targets = ProductTargets();
  ASSERT_EQ(targets.TargetOf("runtime/admission/reviewer.cc"), "cn_admission");
  ASSERT_EQ(targets.TargetOf("runtime/alerting/alert_notifier.h"), "cn_alert_notifier");
  ASSERT_EQ(targets.TargetOf("runtime/cli/main.cc"), "connaisseur");
  std::vector<std::string> missing;
  int checked = 0;
  for (const auto& [folder, target] : targets.folder_target) {
    for (const std::string& file : SourcesIn(folder)) {
      const std::string owner = targets.TargetOf(file);
      for (const std::string& included : IncludesOf(file)) {
        const std::string top = included.substr(0, included.find('/'));
        if (top != "runtime" && top != "validators" && top != "stdlib" && top != "scripts") {
          continue;
        }
        const std::string needed = targets.TargetOf(included);
        ++checked;
        if (needed.empty()) {
          missing.push_back(file + " includes " + included + ", which no target owns");
        } else if (needed != owner && !targets.deps.at(owner).contains(needed)) {
          missing.push_back(owner + ": " + file + " includes " + included + " but does not link " +
                            needed);
        }
      }
    }
  }
  EXPECT_GT(checked, 100);  // the walk found the sources
  EXPECT_THAT(missing, ::testing::IsEmpty());
}

}  // namespace
}  // namespace connaisseur
