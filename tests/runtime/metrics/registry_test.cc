// Registry: values and the Prometheus text rendering.
#include "runtime/metrics/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace connaisseur::metrics {
namespace {

using ::testing::HasSubstr;

TEST(RegistryTest, RendersCountersWithEscapedLabels) {
  Registry r;
  r.DescribeCounter("x_total", "Things.");
  r.Increment("x_total", {{"kind", "Pod"}});
  r.Increment("x_total", {{"kind", "Pod"}}, 2);
  r.Increment("x_total", {{"kind", "a\"b\\c\nd"}});
  r.Increment("undescribed_total");  // ignored
  EXPECT_EQ(r.Value("x_total", {{"kind", "Pod"}}), 3);
  const std::string text = r.RenderText();
  EXPECT_THAT(text, HasSubstr("# HELP x_total Things.\n# TYPE x_total counter\n"));
  EXPECT_THAT(text, HasSubstr("x_total{kind=\"Pod\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("x_total{kind=\"a\\\"b\\\\c\\nd\"} 1\n"));
  EXPECT_EQ(text.find("undescribed"), std::string::npos) << text;
}

TEST(RegistryTest, RendersCumulativeHistogramBuckets) {
  Registry r;
  r.DescribeHistogram("d_seconds", "Durations.", {0.1, 1});
  for (double v : {0.05, 0.5, 0.5, 7.0}) r.Observe("d_seconds", {}, v);
  const std::string text = r.RenderText();
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{le=\"0.10000000000000001\"} 1\n")) << text;
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{le=\"1\"} 3\n")) << text;
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{le=\"+Inf\"} 4\n")) << text;
  EXPECT_THAT(text, HasSubstr("d_seconds_sum 8.0500000000000007\n")) << text;
  EXPECT_THAT(text, HasSubstr("d_seconds_count 4\n")) << text;
  EXPECT_EQ(r.Value("d_seconds"), 4);
}

}  // namespace
}  // namespace connaisseur::metrics
