// Short functions: no function body in product code (runtime/, validators/, stdlib/) spans more
// than 60 lines, from the line of its opening brace to the line of its closing brace, except the
// parsers and interpreters listed in kAllowed. The measure is crude on purpose: comments, string
// literals and preprocessor lines are blanked, then braces are matched; a brace opens a function
// body when, at namespace or class scope, the text before it holds a parameter list and is not an
// initializer (`= {`). Lambdas and local classes count toward the function that holds them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/source_dirs.h"

namespace connaisseur {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxLines = 60;

// "file:function" of the bodies allowed to be longer. Parsers: one pass over the input whose
// states read best in one place. These must exist (a renamed parser takes its entry along).
const std::set<std::string> kParsers = {
    "runtime/image/image_reference.cc:ImageReference::ParseInto",
    "runtime/admission/admission_review.cc:ParseAdmissionReview",
};

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `text` with comments, string and character literals (raw strings included) and preprocessor
// lines replaced by spaces; newlines are kept, so line numbers stay right.
std::string Blank(const std::string& text) {
  std::string out = text;
  const size_t n = text.size();
  auto blank = [&](size_t from, size_t to) {
    for (size_t k = from; k < to && k < n; ++k) {
      if (out[k] != '\n') out[k] = ' ';
    }
  };
  bool line_start = true;
  for (size_t i = 0; i < n;) {
    const char c = text[i];
    if (line_start && c == '#') {  // a preprocessor line, with its continuations
      size_t end = i;
      while (end < n && (text[end] != '\n' || (end > 0 && text[end - 1] == '\\'))) ++end;
      blank(i, end);
      i = end;
      continue;
    }
    if (c == '\n') line_start = true;
    if (c != ' ' && c != '\t' && c != '\n') line_start = false;
    if (text.compare(i, 2, "//") == 0) {
      const size_t end = text.find('\n', i);
      blank(i, end == std::string::npos ? n : end);
      i = end == std::string::npos ? n : end;
    } else if (text.compare(i, 2, "/*") == 0) {
      const size_t end = text.find("*/", i + 2);
      const size_t stop = end == std::string::npos ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c == 'R' && i + 1 < n && text[i + 1] == '"' &&
               (i == 0 ||
                !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_'))) {
      const size_t open = text.find('(', i + 2);
      const std::string close = ")" + text.substr(i + 2, open - i - 2) + "\"";
      const size_t end = text.find(close, open);
      const size_t stop = end == std::string::npos ? n : end + close.size();
      blank(i, stop);
      i = stop;
    } else if (c == '"' ||
               (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(text[i - 1]))))) {
      // A character literal, unless it is a digit separator (1'000).
      size_t end = i + 1;
      while (end < n && text[end] != c) end += text[end] == '\\' ? 2 : 1;
      blank(i, end + 1);
      i = end + 1;
    } else {
      ++i;
    }
  }
  return out;
}

struct Body {
  std::string name;  // "Class::Method" as written before the parameter list
  int first_line = 0;
  int lines = 0;
};

// Whether the text before a `{` at namespace or class scope opens a function body.
bool OpensFunction(const std::string& head) {
  static const std::regex scope(R"(\b(namespace|class|struct|union|enum|extern)\b)");
  if (head.find('(') == std::string::npos) return false;  // a table, an enum, a brace initializer
  if (std::regex_search(head.substr(0, head.find('(')), scope)) return false;
  const size_t last = head.find_last_not_of(" \t\n");
  return head[last] != '=';
}

std::vector<Body> FunctionBodies(const std::string& source) {
  static const std::regex name(R"(([~\w:]+)\s*\()");
  const std::string text = Blank(source);
  enum Kind { kScope, kFunction, kInner };
  std::vector<Kind> open;  // the blocks enclosing the current position
  std::vector<Body> bodies;
  Body current;
  size_t head_start = 0;
  int line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == ';' || c == '}' || c == '{') {
      const bool at_scope = open.empty() || open.back() == kScope;
      if (c == '{' && at_scope) {
        const std::string head = text.substr(head_start, i - head_start);
        if (OpensFunction(head)) {
          std::smatch m;
          std::regex_search(head, m, name);
          current = Body{m.empty() ? head : m[1].str(), line, 0};
          open.push_back(kFunction);
        } else {
          open.push_back(head.find('(') == std::string::npos && head.find('=') == std::string::npos
                             ? kScope
                             : kInner);
        }
      } else if (c == '{') {
        open.push_back(kInner);
      } else if (c == '}' && !open.empty()) {
        if (open.back() == kFunction) {
          current.lines = line - current.first_line + 1;
          bodies.push_back(current);
        }
        open.pop_back();
      }
      head_start = i + 1;
    }
  }
  return bodies;
}

// Every product .h/.cc, repository-relative.
std::vector<std::string> ProductSources() {
  const fs::path root(testing::SourceDir());
  std::vector<std::string> out;
  for (const char* top : {"runtime", "validators", "stdlib"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".h" || ext == ".cc")) {
        out.push_back(fs::relative(entry.path(), root).string());
      }
    }
  }
  return out;
}

TEST(FunctionLengthTest, TheMeasureFindsBodiesAndSkipsTablesCommentsAndStrings) {
  const std::string source = R"code(
namespace a {
constexpr int kTable[] = {
    1, 2, 3,
};
struct Point { int x{0}; };
// void Commented() {
std::string Text() { return "}{"; }
int Outer(int x) {
  auto inner = [](int y) {
    return y;
  };
  return inner(x);
}
class C {
  int Method() const { return 1; }
};
}  // namespace a
)code";
  const std::vector<Body> bodies = FunctionBodies(source);
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies[0].name, "Text");
  EXPECT_EQ(bodies[0].lines, 1);
  EXPECT_EQ(bodies[1].name, "Outer");
  EXPECT_EQ(bodies[1].first_line, 9);
  EXPECT_EQ(bodies[1].lines, 6);
  EXPECT_EQ(bodies[2].name, "Method");
}

TEST(FunctionLengthTest, NoProductFunctionRunsOverSixtyLines) {
  std::vector<std::string> too_long;
  std::set<std::string> seen;
  size_t measured = 0;
  for (const std::string& file : ProductSources()) {
    for (const Body& body : FunctionBodies(Read(fs::path(testing::SourceDir()) / file))) {
      ++measured;
      const std::string key = file + ":" + body.name;
      seen.insert(key);
      if (body.lines > kMaxLines && !kParsers.contains(key)) {
        too_long.push_back(key + " (line " + std::to_string(body.first_line) +
                           "): " + std::to_string(body.lines) + " lines");
      }
    }
  }
  EXPECT_GT(measured, 1000u);  // the walk found the sources
  EXPECT_THAT(too_long, ::testing::IsEmpty());
  // A parser's entry goes when the parser is renamed or removed, so the list stays true.
  for (const std::string& parser : kParsers) EXPECT_TRUE(seen.contains(parser)) << parser;
}

}  // namespace
}  // namespace connaisseur
