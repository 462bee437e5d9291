// JsonLogger: one valid JSON object per line, levels filtered, own fields never overwritten.
#include "runtime/log/logger.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace connaisseur::log {
namespace {

// Captures what a logger writes through a real FILE* (tmpfile), line by line.
class CapturedLog {
 public:
  CapturedLog() : file_(std::tmpfile()) {}
  ~CapturedLog() { std::fclose(file_); }
  std::FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), file_)) > 0) out.append(buf, n);
    return out;
  }

 private:
  std::FILE* file_;
};

TEST(JsonLoggerTest, WritesOneJsonObjectPerLineWithFields) {
  CapturedLog out;
  JsonLogger logger(out.file(), Level::kInfo);
  logger.Info("validated", {{"image", "docker.io/library/nginx:1"}, {"duration_ms", 3}});
  const std::string text = out.Text();
  ASSERT_EQ(text.back(), '\n');
  auto line = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << text;
  EXPECT_EQ(line["msg"], "validated");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["image"], "docker.io/library/nginx:1");
  EXPECT_EQ(line["duration_ms"], 3);
  EXPECT_TRUE(line["time"].is_string());
}

TEST(JsonLoggerTest, FieldsCannotOverwriteLevelMessageOrTime) {
  CapturedLog out;
  JsonLogger logger(out.file(), Level::kDebug);
  logger.Warn("real message", {{"level", "debug"}, {"msg", "forged"}, {"time", "1970"}});
  auto line = nlohmann::json::parse(out.Text(), nullptr, false);
  ASSERT_FALSE(line.is_discarded());
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["msg"], "real message");
  EXPECT_NE(line["time"], "1970");
  EXPECT_EQ(line["field_msg"], "forged");
}

TEST(JsonLoggerTest, DropsLinesBelowTheLevelAndSurvivesInvalidUtf8) {
  CapturedLog out;
  JsonLogger logger(out.file(), Level::kWarn);
  logger.Info("hidden");
  logger.Error(std::string("bad \xff byte"));
  const std::string text = out.Text();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  auto line = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << text;
  EXPECT_EQ(line["level"], "error");
}

TEST(LevelTest, ParsesConnaisseurLevelNames) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("DEBUG", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_TRUE(ParseLevel("WARNING", &level));
  EXPECT_EQ(level, Level::kWarn);
  EXPECT_TRUE(ParseLevel("CRITICAL", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace connaisseur::log
