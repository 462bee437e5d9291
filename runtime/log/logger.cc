#include "runtime/log/logger.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <string>

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

std::string Rfc3339Now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  return buf;
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
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace connaisseur::log
