// Logger: structured JSON lines (docs/operations.md "Logs"). Passed in by reference, never a
// global.
#pragma once

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "runtime/log/log_field.h"

namespace connaisseur::log {

enum class Level { kDebug = 0, kInfo, kWarn, kError };

std::string_view LevelName(Level level);
// "debug", "INFO", "warning", "CRITICAL", ... (case-insensitive, v3.3.4 names too); info on
// failure.
bool ParseLevel(std::string_view text, Level* level);

class Logger {
 public:
  virtual ~Logger() = default;
  // `fields` must be an object; it must never carry credentials or whole trust documents.
  virtual void Log(Level level, std::string_view msg, const nlohmann::json& fields) = 0;
  virtual bool Enabled(Level level) const = 0;
  // The same line from borrowed fields, for lines written per request: JsonLogger formats them
  // straight into one buffer. The default builds the JSON object and calls Log.
  virtual void LogFields(Level level, std::string_view msg, std::span<const Field> fields);

  void Debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    if (Enabled(Level::kDebug)) Log(Level::kDebug, m, f);
  }
  void Info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    if (Enabled(Level::kInfo)) Log(Level::kInfo, m, f);
  }
  void Warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    if (Enabled(Level::kWarn)) Log(Level::kWarn, m, f);
  }
  void Error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    if (Enabled(Level::kError)) Log(Level::kError, m, f);
  }
};

// One JSON object per line: {"time":RFC3339,"level":..,"msg":..,<fields>}. Thread-safe.
// `out` is borrowed (stdout for the server, stderr for the CLI) and must outlive the logger.
class JsonLogger final : public Logger {
 public:
  JsonLogger(std::FILE* out, Level min_level, bool pretty = false)
      : out_(out), min_level_(min_level), pretty_(pretty) {}
  void Log(Level level, std::string_view msg, const nlohmann::json& fields) override;
  // One buffer per thread, reused; one fwrite and fflush (one write(2)) under the lock.
  void LogFields(Level level, std::string_view msg, std::span<const Field> fields) override;
  bool Enabled(Level level) const override { return level >= min_level_; }

 private:
  void Write(std::string_view line);

  std::FILE* out_;  // borrowed
  Level min_level_;
  bool pretty_;
  std::mutex mu_;  // one line at a time
};

// Drops everything (tests, benchmarks).
class NullLogger final : public Logger {
 public:
  void Log(Level, std::string_view, const nlohmann::json&) override {}
  bool Enabled(Level) const override { return false; }
};

}  // namespace connaisseur::log
