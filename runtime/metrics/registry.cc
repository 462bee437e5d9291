#include "runtime/metrics/registry.h"

#include <cstdio>

namespace connaisseur::metrics {
namespace {

// Label values escape backslash, double quote and newline (exposition format).
void AppendLabels(std::string& out, const Labels& labels) {
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out += name;
    out += "=\"";
    for (char c : value) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
}

// The series key of `labels` in a buffer reused by the thread: a lookup of an existing series
// (every update after the first) allocates nothing.
const std::string& LookupKey(const Labels& labels) {
  thread_local std::string key;
  key.clear();
  AppendLabels(key, labels);
  return key;
}

std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

void AppendSample(std::string* out, std::string_view name, std::string_view labels,
                  std::string_view value) {
  out->append(name);
  if (!labels.empty()) {
    out->append("{").append(labels).append("}");
  }
  out->append(" ").append(value).append("\n");
}

}  // namespace

void Registry::Describe(std::string name, Type type, std::string help, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  Family& f = families_[std::move(name)];
  f.type = type;
  f.help = std::move(help);
  f.bounds = std::move(bounds);
}

void Registry::DescribeCounter(std::string name, std::string help) {
  Describe(std::move(name), Type::kCounter, std::move(help), {});
}
void Registry::DescribeGauge(std::string name, std::string help) {
  Describe(std::move(name), Type::kGauge, std::move(help), {});
}
void Registry::DescribeHistogram(std::string name, std::string help, std::vector<double> bounds) {
  Describe(std::move(name), Type::kHistogram, std::move(help), std::move(bounds));
}

Registry::Series* Registry::FindSeriesLocked(std::string_view name, const Labels& labels) {
  auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  const std::string& key = LookupKey(labels);
  auto found = it->second.series.find(key);
  Series& s = found != it->second.series.end() ? found->second : it->second.series[key];
  if (it->second.type == Type::kHistogram && s.bucket_hits.empty()) {
    s.bucket_hits.assign(it->second.bounds.size(), 0);
  }
  return &s;
}

void Registry::Increment(std::string_view name, const Labels& labels, double by) {
  std::lock_guard lock(mu_);
  if (Series* s = FindSeriesLocked(name, labels)) s->value += by;
}

void Registry::Set(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  if (Series* s = FindSeriesLocked(name, labels)) s->value = value;
}

void Registry::Observe(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  Series* s = FindSeriesLocked(name, labels);
  if (s == nullptr) return;
  const std::vector<double>& bounds = families_.find(name)->second.bounds;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) {
      ++s->bucket_hits[i];
      break;
    }
  }
  s->value += value;
  ++s->count;
}

double Registry::Value(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto s = it->second.series.find(LookupKey(labels));
  if (s == it->second.series.end()) return 0;
  return it->second.type == Type::kHistogram ? static_cast<double>(s->second.count)
                                             : s->second.value;
}

std::string Registry::RenderText() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + kTypeNames[static_cast<int>(f.type)] + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::kHistogram) {
        AppendSample(&out, name, labels, FormatNumber(s.value));
        continue;
      }
      const std::string sep = labels.empty() ? "" : ",";
      uint64_t cumulative = 0;
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += s.bucket_hits[i];
        AppendSample(&out, name + "_bucket",
                     labels + sep + "le=\"" + FormatNumber(f.bounds[i]) + "\"",
                     std::to_string(cumulative));
      }
      AppendSample(&out, name + "_bucket", labels + sep + "le=\"+Inf\"", std::to_string(s.count));
      AppendSample(&out, name + "_sum", labels, FormatNumber(s.value));
      AppendSample(&out, name + "_count", labels, std::to_string(s.count));
    }
  }
  return out;
}

}  // namespace connaisseur::metrics
