// stdlib/json.cc: connaisseur.json.encode and decode as a script sees them, with their bounds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using ::testing::HasSubstr;
using testing::StdlibTest;

using JsonTest = StdlibTest;

TEST_F(JsonTest, DecodeThenEncodeRoundTrips) {
  EXPECT_EQ(Reason("local j = connaisseur.json "
                   "return nil, j.encode(j.decode('{\"a\":[1,2,{\"b\":true}]}'))"),
            "{\"a\":[1,2,{\"b\":true}]}");
}

TEST_F(JsonTest, DecodeRefusesDeepNesting) {
  EXPECT_EQ(Reason("local v, err = connaisseur.json.decode(('['):rep(100) .. (']'):rep(100)) "
                   "return nil, tostring(v) .. ' ' .. err"),
            "nil JSON nested too deeply");
}

TEST_F(JsonTest, DecodeTakesManySmallValues) {
  EXPECT_EQ(Reason("local v = connaisseur.json.decode('[' .. ('[],'):rep(9999) .. '[]]') "
                   "return nil, tostring(#v)"),
            "10000");
}

// 3.6 MB of empty arrays: under the input cap, but its tree would take ~150 MiB outside the Lua
// heap.
TEST_F(JsonTest, DecodeRefusesInputWhoseTreeOutgrowsTheMemoryLimit) {
  EXPECT_EQ(Reason("local v, err = connaisseur.json.decode('[' .. ('[],'):rep(1200000) .. '[]]') "
                   "return nil, tostring(v) .. ' ' .. err"),
            "nil JSON too large for the script's memory limit");
}

TEST_F(JsonTest, EncodeRaisesForFunctions) {
  EXPECT_EQ(Reason("local ok = pcall(connaisseur.json.encode, {f = print}) "
                   "return nil, tostring(ok)"),
            "false");
}

TEST_F(JsonTest, EncodeWritesTheImageViewAsItsReference) {
  EXPECT_EQ(Reason("return nil, connaisseur.json.encode({i = image})"),
            "{\"i\":\"docker.io/library/nginx:latest\"}");
}

// Review regression: json.encode of frozen tables (connaisseur.config) raised "invalid key to
// 'next'".
TEST_F(JsonTest, EncodeReadsFrozenTables) {
  auto config = Eval("return nil, connaisseur.json.encode(connaisseur.config)");
  ASSERT_THAT(config, IsOk());
  const auto parsed = nlohmann::json::parse(*config, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << *config;
  EXPECT_EQ(parsed["policy"][1]["pattern"], "docker.io/library/*:*") << *config;
  EXPECT_EQ(parsed["validators"]["other"]["type"], "static") << *config;
}

// Review regression: shared tables unfolded exponentially.
TEST_F(JsonTest, EncodeBoundsSharedTables) {
  EXPECT_THAT(Reason("local t = {} for i = 1, 40 do t = {t, t} end "
                     "local ok, err = pcall(connaisseur.json.encode, t) "
                     "return nil, tostring(ok) .. ' ' .. err"),
              HasSubstr("values to convert to JSON"));
}

// Review regression: every value under a long key copied the key.
TEST_F(JsonTest, EncodeDoesNotCopyALongKeyPerValue) {
  EXPECT_EQ(
      Reason("local k = ('k'):rep(3000000) local v = {} for i = 1, 50000 do v[i] = i end "
             "local s = connaisseur.json.encode({[k] = v}) return nil, tostring(#s > 3000000)"),
      "true");
}

}  // namespace
}  // namespace connaisseur::stdlib
