#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::metrics {

void DescribeWebhookMetrics(Registry& r) {
  r.DescribeCounter(kRequests, "Admission requests received.");
  r.DescribeCounter(kRequestsAdmitted, "Admission requests admitted.");
  r.DescribeCounter(kRequestsDenied, "Admission requests denied, by whether the deadline passed.");
  r.DescribeCounter(kRequestsByKind, "Admission requests by workload kind and verdict.");
  r.DescribeHistogram(kRequestDuration, "Time to answer an admission request.",
                      {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  r.DescribeCounter(kValidations, "Image validations run, by validator and result.");
  r.DescribeCounter(kValidationsSuccessful, "Image validations that succeeded.");
  r.DescribeCounter(kValidationsFailed, "Image validations that failed.");
  r.DescribeCounter(kValidationsSkipped, "Image validations skipped, by reason.");
  r.DescribeCounter(kValidationsTimeouted, "Image validations cut off by the request deadline.");
  r.DescribeHistogram(kValidationDuration, "Time to validate one image.",
                      {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30});
  r.DescribeCounter(kCacheHits, "Verifications answered from the cache.");
  r.DescribeCounter(kCacheMisses, "Verifications the cache had to run.");
  r.DescribeCounter(kCacheJoined, "Verifications that waited for an identical one in flight.");
  r.DescribeCounter(kCacheStaleServed,
                    "Earlier successes admitted because the back-end failed (staleIfError).");
  r.DescribeCounter(kCacheSharedHits, "Verifications answered from the shared Redis cache.");
  r.DescribeCounter(kCacheSharedIgnored,
                    "Shared cache entries ignored as invalid (wrong digest, rule, expiry, shape).");
  r.DescribeCounter(kRedisErrors, "Redis calls of the shared cache that failed.");
  r.DescribeCounter(kConnectionsRefused,
                    "TLS connections refused because their client address held the maximum.");
  r.DescribeCounter(kAlertsSent, "Alert notifications delivered, by stream.");
  r.DescribeCounter(kAlertsFailed, "Alert notifications that failed, by stream.");
}

}  // namespace connaisseur::metrics
