#include "runtime/config/diagnostics.h"

#include <algorithm>

namespace connaisseur::config {
namespace {

// A file with thousands of problems is garbage; listing the first ones is enough.
constexpr size_t kMaxReportedErrors = 100;

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string IndexPath(std::string_view parent, size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

void Diagnostics::Error(std::string_view path, std::string_view message) {
  errors_.emplace_back(LineOf(path), Format(path, message));
}

void Diagnostics::Warning(std::string_view path, std::string_view message) {
  warnings_.push_back(Format(path, message));
}

Status Diagnostics::ToStatus() const {
  if (errors_.empty()) return Status::Ok();
  std::vector<std::pair<int, std::string>> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string message;
  for (size_t i = 0; i < sorted.size() && i < kMaxReportedErrors; ++i) {
    if (i > 0) message += '\n';
    message += sorted[i].second;
  }
  if (errors_.size() > kMaxReportedErrors) {
    message += "\n... and " + std::to_string(errors_.size() - kMaxReportedErrors) + " more errors";
  }
  return InvalidArgumentError(std::move(message));
}

std::string Diagnostics::Format(std::string_view path, std::string_view message) const {
  std::string out;
  if (!source_.empty()) {
    out += source_;
    if (int line = LineOf(path); line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!path.empty()) {
    out += path;
    out += ": ";
  }
  out += message;
  return out;
}

std::string Diagnostics::Locate(std::string_view path) const {
  std::string out = Format(path, "");
  while (!out.empty() && (out.back() == ' ' || out.back() == ':')) out.pop_back();
  return out;
}

int Diagnostics::LineOf(std::string_view path) const {
  if (lines_ == nullptr) return 0;
  while (!path.empty()) {
    if (auto it = lines_->find(path); it != lines_->end()) return it->second;
    // Strip the last component: "a.b[2]" -> "a.b", "a.b" -> "a".
    size_t cut = path.find_last_of(".[");
    if (cut == std::string_view::npos) break;
    path = path.substr(0, cut);
  }
  return 0;
}

}  // namespace connaisseur::config
