// The webhook's metric names (docs/operations.md, v3.10 names kept) and their descriptions. Stages
// record into the Registry with these constants; DescribeWebhookMetrics registers them all.
#pragma once

#include "runtime/metrics/registry.h"

namespace connaisseur::metrics {

inline constexpr const char* kRequests = "connaisseur_requests_total";
inline constexpr const char* kRequestsAdmitted = "connaisseur_requests_admitted_total";
inline constexpr const char* kRequestsDenied = "connaisseur_requests_denied_total";  // {timeout}
// {kind, verdict="admitted|denied"}: the request counters split by workload kind.
inline constexpr const char* kRequestsByKind = "connaisseur_requests_by_kind_total";
inline constexpr const char* kRequestDuration = "connaisseur_request_duration_seconds";
// {type, validator_name, result="success|error"}
inline constexpr const char* kValidations = "connaisseur_validations_total";
inline constexpr const char* kValidationsSuccessful = "connaisseur_validations_successful_total";
inline constexpr const char* kValidationsFailed = "connaisseur_validations_failed_total";
inline constexpr const char* kValidationsSkipped = "connaisseur_validations_skipped_total";
inline constexpr const char* kValidationsTimeouted = "connaisseur_validations_timeouted_total";
inline constexpr const char* kValidationDuration = "connaisseur_validation_duration_seconds";
inline constexpr const char* kCacheHits = "connaisseur_cache_hits_total";
inline constexpr const char* kCacheMisses = "connaisseur_cache_misses_total";
inline constexpr const char* kCacheJoined = "connaisseur_cache_joined_total";
// {type, validator_name}: successes answered stale because the back-end failed (staleIfError).
inline constexpr const char* kCacheStaleServed = "connaisseur_cache_stale_served_total";
// The shared (Redis) cache: entries used, entries ignored as invalid, failed Redis calls.
inline constexpr const char* kCacheSharedHits = "connaisseur_cache_shared_hits_total";
inline constexpr const char* kCacheSharedIgnored = "connaisseur_cache_shared_ignored_total";
inline constexpr const char* kRedisErrors = "connaisseur_redis_errors_total";
// TLS connections shut down at their handshake: their client address held its cap already.
inline constexpr const char* kConnectionsRefused = "connaisseur_connections_refused_total";
inline constexpr const char* kAlertsSent = "connaisseur_alerts_sent_total";      // {stream}
inline constexpr const char* kAlertsFailed = "connaisseur_alerts_failed_total";  // {stream}

void DescribeWebhookMetrics(Registry& registry);

}  // namespace connaisseur::metrics
