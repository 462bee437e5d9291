// Registry: counters, gauges and histograms with labels, rendered in the Prometheus text
// exposition format (version 0.0.4). Thread-safe; one instance per server, passed in.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connaisseur::metrics {

// Label pairs in the order they are rendered; names must be valid Prometheus label names.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 public:
  // Families must be described before use; using an undescribed name is a bug and is ignored.
  void DescribeCounter(std::string name, std::string help);
  void DescribeGauge(std::string name, std::string help);
  // `bounds`: ascending upper bounds (the +Inf bucket is implicit).
  void DescribeHistogram(std::string name, std::string help, std::vector<double> bounds);

  void Increment(std::string_view name, const Labels& labels = {}, double by = 1);
  void Set(std::string_view name, const Labels& labels, double value);
  void Observe(std::string_view name, const Labels& labels, double value);

  // A counter's or gauge's current value (a histogram's count); 0 when never touched.
  double Value(std::string_view name, const Labels& labels = {}) const;

  // Every family, `# HELP`, `# TYPE`, then its series in label order.
  std::string RenderText() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    double value = 0;                   // counter / gauge; histogram sum
    uint64_t count = 0;                 // histogram observations
    std::vector<uint64_t> bucket_hits;  // histogram, per bound (not cumulative)
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // key: rendered label set "a=\"x\",b=\"y\""
  };

  void Describe(std::string name, Type type, std::string help, std::vector<double> bounds);
  Series* FindSeriesLocked(std::string_view name, const Labels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by mu_
};

}  // namespace connaisseur::metrics
