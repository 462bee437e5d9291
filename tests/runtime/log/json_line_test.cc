// AppendJsonLine and JsonLogger::LogFields: the per-request line without a JSON tree must read
// back as the same object nlohmann::json would have written, for any input bytes.
#include "runtime/log/json_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/log/logger.h"

namespace connaisseur::log {
namespace {

nlohmann::json ParseLine(const std::string& line) {
  EXPECT_EQ(line.back(), '\n');
  return nlohmann::json::parse(line, nullptr, false);
}

TEST(JsonLineTest, WritesEveryFieldTypeAsJson) {
  const std::vector<std::string> images = {"nginx:1", "redis:7"};
  const std::string_view rules[] = {"docker.io/*:*", "*:*"};
  const Field fields[] = {{"text", "a \"quoted\" \\ value\n\t"},
                          {"integer", int64_t{-42}},
                          {"number", 1.5},
                          {"whole", 3.0},
                          {"flag", true},
                          {"images", std::span<const std::string>(images)},
                          {"rules", std::span<const std::string_view>(rules)},
                          {"none", std::span<const std::string>()}};
  std::string line;
  AppendJsonLine(line, "2026-12-03T00:00:00.000Z", "info", "msg", fields);
  const nlohmann::json parsed = ParseLine(line);
  ASSERT_FALSE(parsed.is_discarded()) << line;
  EXPECT_EQ(parsed["time"], "2026-12-03T00:00:00.000Z");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["msg"], "msg");
  EXPECT_EQ(parsed["text"], "a \"quoted\" \\ value\n\t");
  EXPECT_EQ(parsed["integer"], -42);
  EXPECT_EQ(parsed["number"], 1.5);
  EXPECT_TRUE(parsed["whole"].is_number_float()) << line;
  EXPECT_EQ(parsed["flag"], true);
  EXPECT_EQ(parsed["images"], "nginx:1, redis:7");
  EXPECT_EQ(parsed["rules"], "docker.io/*:*, *:*");
  EXPECT_EQ(parsed["none"], "");
}

TEST(JsonLineTest, EscapesControlBytesAndReplacesInvalidUtf8) {
  const std::string hostile = std::string("\x01\x1f ok \xc3\xa9 \xff \xe2\x82 \xed\xa0\x80 end") +
                              std::string(1, '\0') + "\xf0\x9f\x98\x80";
  const Field fields[] = {{"image", hostile}};
  std::string line;
  AppendJsonLine(line, "t", "warn", "bad \xc0\xaf input", fields);
  const nlohmann::json parsed = ParseLine(line);
  ASSERT_FALSE(parsed.is_discarded()) << line;
  const std::string image = parsed["image"];
  EXPECT_EQ(image.substr(0, 2), "\x01\x1f");
  EXPECT_NE(image.find("\xc3\xa9"), std::string::npos);          // valid é kept
  EXPECT_NE(image.find("\xf0\x9f\x98\x80"), std::string::npos);  // valid 4-byte kept
  EXPECT_EQ(image.find('\xff'), std::string::npos);
  EXPECT_EQ(image.find("\xed\xa0\x80"), std::string::npos);  // a surrogate is not UTF-8
  EXPECT_NE(image.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(image.find(std::string(1, '\0')), std::string::npos);  // escaped, kept
  EXPECT_EQ(parsed["msg"], "bad \xEF\xBF\xBD\xEF\xBF\xBD input");
}

TEST(JsonLineTest, FieldsCannotOverwriteTimeLevelOrMessage) {
  const Field fields[] = {{"msg", "forged"}, {"level", "debug"}, {"time", "1970"}};
  std::string line;
  AppendJsonLine(line, "now", "error", "real", fields);
  const nlohmann::json parsed = ParseLine(line);
  ASSERT_FALSE(parsed.is_discarded()) << line;
  EXPECT_EQ(parsed["msg"], "real");
  EXPECT_EQ(parsed["level"], "error");
  EXPECT_EQ(parsed["time"], "now");
  EXPECT_EQ(parsed["field_msg"], "forged");
  EXPECT_EQ(parsed["field_level"], "debug");
  EXPECT_EQ(parsed["field_time"], "1970");
}

TEST(JsonLineTest, NonFiniteNumbersAreNull) {
  const Field fields[] = {{"nan", std::numeric_limits<double>::quiet_NaN()},
                          {"inf", std::numeric_limits<double>::infinity()}};
  std::string line;
  AppendJsonLine(line, "t", "info", "m", fields);
  const nlohmann::json parsed = ParseLine(line);
  ASSERT_FALSE(parsed.is_discarded()) << line;
  EXPECT_TRUE(parsed["nan"].is_null());
  EXPECT_TRUE(parsed["inf"].is_null());
}

std::string Read(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), file)) > 0;) out.append(buf, n);
  return out;
}

TEST(JsonLoggerFieldsTest, WritesTheSameObjectAsTheJsonPathAndHonoursTheLevel) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  JsonLogger logger(file, Level::kInfo);
  const std::vector<std::string> images = {"a", "b"};
  const Field fields[] = {{"uid", "u-1"}, {"image", std::span<const std::string>(images)}};
  logger.LogFields(Level::kDebug, "hidden", fields);
  logger.LogFields(Level::kInfo, "shown", fields);
  logger.Info("shown", {{"uid", "u-1"}, {"image", "a, b"}});
  const std::string text = Read(file);
  std::fclose(file);
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  nlohmann::json fast = nlohmann::json::parse(text.substr(0, newline + 1), nullptr, false);
  nlohmann::json slow = nlohmann::json::parse(text.substr(newline + 1), nullptr, false);
  ASSERT_FALSE(fast.is_discarded() || slow.is_discarded()) << text;
  fast.erase("time");
  slow.erase("time");
  EXPECT_EQ(fast, slow);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
}

TEST(JsonLoggerFieldsTest, PrettyLinesGoThroughTheJsonPath) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  JsonLogger logger(file, Level::kInfo, /*pretty=*/true);
  const Field fields[] = {{"uid", "u-2"}};
  logger.LogFields(Level::kWarn, "indented", fields);
  const std::string text = Read(file);
  std::fclose(file);
  EXPECT_NE(text.find("\n  \"uid\": \"u-2\""), std::string::npos) << text;
}

}  // namespace
}  // namespace connaisseur::log
