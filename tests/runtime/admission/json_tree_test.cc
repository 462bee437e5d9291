// ParseJsonTree, ReleaseJsonTree and MeasureJsonTree: request trees built and freed without
// aborting on memory exhaustion, and a memory bound that holds for the shapes an attacker picks.
#include "runtime/admission/json_tree.h"

#include <gtest/gtest.h>
#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__)
#define CN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CN_ASAN 1
#endif
#endif
#ifdef CN_ASAN
#include <sanitizer/allocator_interface.h>
#endif

#include "runtime/admission/json_nesting.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::admission {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string Repeat(const std::string& item, int n, const std::string& open,
                   const std::string& close) {
  std::string out = open;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    out += item;
  }
  return out + close;
}

std::string NumberedMembers(int n) {
  std::string out = "{";
  for (int i = 0; i < n; ++i) out += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  return out + "}";
}

TEST(JsonTreeTest, BuildsTheSameTreeAsNlohmann) {
  const std::string text =
      R"({"a":[1,-2,3.5,true,false,null,"s"],"b":{"c":{"d":[]}},"e":{},"u":18446744073709551615})";
  auto tree = ParseJsonTree(text);
  ASSERT_THAT(tree, IsOk());
  EXPECT_EQ(*tree, json::parse(text));
  ReleaseJsonTree(*tree);
  EXPECT_TRUE(tree->is_null());
}

TEST(JsonTreeTest, ALaterRepeatedKeyWins) {
  auto tree = ParseJsonTree(R"({"a":[1,2,3],"a":{"x":1}})");
  ASSERT_THAT(tree, IsOk());
  EXPECT_EQ(*tree, json::parse(R"({"a":{"x":1}})"));
  ReleaseJsonTree(*tree);
}

TEST(JsonTreeTest, RefusesInvalidJsonAndTrailingBytes) {
  const std::string reject[] = {"", "[", "{\"a\":}", "[1,]", "{} x", "[1] [2]", "nul"};
  for (const std::string& text : reject) {
    EXPECT_THAT(ParseJsonTree(text).status(), StatusIs(StatusCode::kInvalidArgument, ::testing::_))
        << text;
  }
  EXPECT_THAT(ParseJsonTree("{} \n\t").status(), IsOk()) << "whitespace may follow the value";
}

TEST(JsonTreeTest, MeasureRefusesANulByteAnywhere) {
  using namespace std::string_literals;
  const std::string reject[] = {"{}\0GARBAGE"s, "{\"a\":1}\0"s, "[\0]"s};
  for (const std::string& text : reject) {
    EXPECT_THAT(MeasureJsonTree(text), StatusIs(StatusCode::kInvalidArgument, HasSubstr("NUL")))
        << text.size();
  }
}

// Bytes malloc has handed out: small blocks (uordblks) plus blocks it mmapped on their own
// (hblkhd). A process's first large vector is mmapped, so uordblks alone misses it when this
// test runs in a process of its own, as ctest runs it.
// Under ASan (scripts/sanitize), malloc is ASan's, which mallinfo2 knows nothing of: ask it.
size_t HeapInUse() {
#ifdef CN_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

// The bound must cover what the built tree really holds on the heap, for the shapes that cost
// most per body byte.
TEST(JsonTreeTest, MeasureBoundsTheHeapTheTreeTakes) {
  const std::string shapes[] = {
      Repeat("0", 200000, "[", "]"),
      Repeat("\"\"", 200000, "[", "]"),
      Repeat("\"" + std::string(16, 's') + "\"", 50000, "[", "]"),
      Repeat("[]", 100000, "[", "]"),
      Repeat("{}", 100000, "[", "]"),
      NumberedMembers(100000),
      Repeat("{\"" + std::string(20, 'k') + "\":\"" + std::string(40, 'v') + "\"}", 20000, "[",
             "]"),
  };
  for (const std::string& text : shapes) {
    auto bound = MeasureJsonTree(text);
    ASSERT_THAT(bound, IsOk());
    const size_t before = HeapInUse();
    auto tree = ParseJsonTree(text);
    ASSERT_THAT(tree, IsOk());
    const size_t used = HeapInUse() - before;
    EXPECT_LE(used, *bound) << text.substr(0, 40) << " (" << text.size() << " bytes)";
    EXPECT_LE(*bound, 4 * used + 4096)
        << "a bound far above the real cost refuses honest bodies: " << text.substr(0, 40);
    ReleaseJsonTree(*tree);
  }
}

}  // namespace
}  // namespace connaisseur::admission
