#include "runtime/log/logger.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <string>

#include "runtime/log/json_line.h"

namespace connaisseur::log {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool ParseLevel(std::string_view text, Level* level) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "debug") {
    *level = Level::kDebug;
  } else if (t == "info") {
    *level = Level::kInfo;
  } else if (t == "warn" || t == "warning") {
    *level = Level::kWarn;
  } else if (t == "error" || t == "fatal" || t == "critical") {
    *level = Level::kError;
  } else {
    return false;
  }
  return true;
}

namespace {

// "2026-12-03T17:40:01.123Z" into `buf` (at least 25 bytes); returns its length.
size_t FormatRfc3339Now(char* buf, size_t size) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  const int n = std::snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                              static_cast<int>(ms.count()));
  return n > 0 ? std::min(static_cast<size_t>(n), size - 1) : 0;
}

std::string Rfc3339Now() {
  char buf[64];
  return std::string(buf, FormatRfc3339Now(buf, sizeof(buf)));
}

template <typename Items>
std::string Joined(const Items& items) {
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) joined += ", ";
    joined += items[i];
  }
  return joined;
}

nlohmann::json FieldValue(const Field& field) {
  switch (field.type()) {
    case Field::Type::kText:
      return std::string(field.text());
    case Field::Type::kInteger:
      return field.integer();
    case Field::Type::kNumber:
      return field.number();
    case Field::Type::kBool:
      return field.flag();
    case Field::Type::kTextList:
      return Joined(field.items());
    case Field::Type::kStringList:
      return Joined(field.strings());
  }
  return nullptr;
}

}  // namespace

void JsonLogger::Log(Level level, std::string_view msg, const nlohmann::json& fields) {
  if (!Enabled(level)) return;
  nlohmann::ordered_json line;
  line["time"] = Rfc3339Now();
  line["level"] = LevelName(level);
  line["msg"] = msg;
  if (fields.is_object()) {
    // Fields (some come from policy scripts) never overwrite the line's own time, level, msg.
    for (const auto& [k, v] : fields.items()) {
      if (k == "time" || k == "level" || k == "msg") {
        line["field_" + k] = v;
      } else {
        line[k] = v;
      }
    }
  }
  // Replace invalid UTF-8 rather than throw: log text may come from hostile input.
  std::string text =
      line.dump(pretty_ ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  Write(text);
}

void Logger::LogFields(Level level, std::string_view msg, std::span<const Field> fields) {
  if (!Enabled(level)) return;
  nlohmann::json object = nlohmann::json::object();
  for (const Field& field : fields) object[std::string(field.key())] = FieldValue(field);
  Log(level, msg, object);
}

void JsonLogger::LogFields(Level level, std::string_view msg, std::span<const Field> fields) {
  if (!Enabled(level)) return;
  if (pretty_) return Logger::LogFields(level, msg, fields);
  thread_local std::string line;
  line.clear();
  char time[64];
  AppendJsonLine(line, std::string_view(time, FormatRfc3339Now(time, sizeof(time))),
                 LevelName(level), msg, fields);
  Write(line);
}

void JsonLogger::Write(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace connaisseur::log
