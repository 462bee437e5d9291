// Tests the YAML → JSON adapter: scalar typing, line numbers, and hostile or malformed input.
#include "runtime/config/yaml_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace connaisseur::config {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(YamlDocumentTest, TypesScalarsByTheCoreSchema) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"v: true", true},
      {"v: False", false},
      {"v: TRUE", true},
      {"v: yes", "yes"},
      {"v: on", "on"},
      {"v: 'true'", "true"},
      {"v: \"1\"", "1"},
      {"v: 1", 1},
      {"v: -7", -7},
      {"v: 0x1f", 31},
      {"v: 0o17", 15},
      {"v: 1.5", 1.5},
      {"v: ~", nullptr},
      {"v:", nullptr},
      {"v: null", nullptr},
      {"v: 1.2.3", "1.2.3"},
      {"v: 99999999999999999999", 1e20},
      {"v: !!str 5", "5"},
      {"v: |\n  a\n  b\n", "a\nb\n"},
      {"v: '*:*'", "*:*"},
      {"v: [a, 1]", json::array({"a", 1})},
  };
  for (const auto& [text, expected] : cases) {
    StatusOr<YamlDocument> doc = ParseYaml(text, "t.yaml");
    ASSERT_THAT(doc, IsOk()) << text;
    EXPECT_EQ(doc->root["v"], expected) << text;
  }
}

TEST(YamlDocumentTest, RecordsTheLineOfEveryKeyAndItem) {
  StatusOr<YamlDocument> doc =
      ParseYaml("a:\n  b:\n    - x\n    - y: 1\n      z: 2\nc: 3\n", "t.yaml");
  ASSERT_THAT(doc, IsOk());
  const std::vector<std::pair<std::string, int>> expected = {
      {"a", 1},        {"a.b", 2},      {"a.b[0]", 3}, {"a.b[1]", 4},
      {"a.b[1].y", 4}, {"a.b[1].z", 5}, {"c", 6}};
  for (const auto& [path, line] : expected) {
    ASSERT_TRUE(doc->lines.count(path)) << path;
    EXPECT_EQ(doc->lines.at(path), line) << path;
  }
}

TEST(YamlDocumentTest, EmptyTextIsANullDocument) {
  for (std::string text : {"", "\n", "# comment only\n", "---\n"}) {
    StatusOr<YamlDocument> doc = ParseYaml(text, "t.yaml");
    ASSERT_THAT(doc, IsOk()) << text;
    EXPECT_TRUE(doc->root.is_null()) << text;
  }
}

std::string BillionLaughs() {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

TEST(YamlDocumentTest, RejectsMalformedAndHostileInput) {
  struct Case {
    std::string name, text, expected;
  };
  const std::vector<Case> cases = {
      {"TabIndentation", "a:\n\tb: 1\n", "t.yaml:2:"},
      {"UnterminatedFlow", "a: [1, 2\n", "invalid YAML"},
      {"UnterminatedMap", "a: {b: 1\n", "invalid YAML"},
      {"BadIndentation", "a:\n  b: 1\n c: 2\n", "invalid YAML"},
      {"UndefinedAlias", "a: *nope\n", "invalid YAML"},
      {"NulByte", std::string("a: b\0c\n", 7), "NUL"},
      {"BinaryGarbage", std::string("\x01\x02\x89PNG\r\n\x1a\n\x00\x00", 12), "NUL"},
      {"DuplicateKey", "a: 1\nb: 2\na: 3\n", "t.yaml:3: duplicate key \"a\""},
      {"NonScalarKey", "? [a, b]\n: 1\n", "mapping keys must be scalars"},
      {"TwoDocuments", "a: 1\n---\nb: 2\n", "expected one YAML document, found 2"},
      // Found by tests/fuzz/config_fuzz.cc: yaml-cpp's LoadAll never ended on these (each made
      // another empty document until memory ran out).
      {"CommaAtDocumentLevel", ",", "expected one YAML document"},
      {"CommaAfterTopLevelFlow", "[a],", "expected one YAML document"},
      {"BillionLaughs", BillionLaughs(), "more than 100000 nodes"},
      {"DeepFlowNesting", "a: " + std::string(200, '[') + std::string(200, ']') + "\n",
       "nested deeper than 64"},
      {"VeryDeepFlowNesting", "a: " + std::string(100000, '[') + std::string(100000, ']'),
       "t.yaml"},
      {"SelfReferenceThroughAnchor", "a: &x\n  b: *x\n", "t.yaml"},
      {"TooLarge", "a: '" + std::string(5 << 20, 'x') + "'\n", "larger than"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseYaml(c.text, "t.yaml"),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.expected)))
        << c.name;
  }
}

TEST(YamlDocumentTest, ParseErrorsDoNotQuoteTheDocument) {
  // yaml-cpp's messages name the problem and position only; keep it that way.
  for (std::string text :
       {"password: [hunter2\n", "a:\n\tpassword: hunter2\n", "{password: hunter2\n"}) {
    StatusOr<YamlDocument> doc = ParseYaml(text, "t.yaml");
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_THAT(doc.status().message(), Not(HasSubstr("hunter2"))) << text;
  }
}

}  // namespace
}  // namespace connaisseur::config
