#include "runtime/config/features_parser.h"

#include <algorithm>

namespace connaisseur::config {
namespace {

using nlohmann::json;
using NV = Features::NamespacedValidation;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void ReadNamespacedMode(FieldReader& r, Features& f) {
  f.namespaced_validation = NV::kIgnore;
  std::optional<std::string> mode = r.String("mode");
  if (!mode) return;
  if (*mode == "ignore") {
    f.namespaced_validation = NV::kIgnore;
  } else if (*mode == "validate") {
    f.namespaced_validation = NV::kValidate;
  } else {
    r.diag().Error(r.PathOf("mode"),
                   "Mode must be one of [ignore validate], got \"" + *mode + "\"");
  }
}

// false | true | {mode: ignore|validate}
void ParseNamespaced(FieldReader& r, Features& f) {
  const json* v = r.Get("namespacedValidation");
  if (v == nullptr) return;
  if (v->is_boolean()) {
    f.namespaced_validation = v->get<bool>() ? NV::kIgnore : NV::kOff;
    return;
  }
  FieldReader m(*v, r.PathOf("namespacedValidation"), r.diag(), r.dialect());
  if (!m.is_mapping()) return;
  ReadNamespacedMode(m, f);
  m.Finish();
}

void ParseRedis(const json& v, const std::string& path, Diagnostics& diag, Features& f) {
  FieldReader r(v, path, diag);
  RedisConfig redis;
  redis.host = r.String("host", /*required=*/true).value_or("");
  redis.port = static_cast<int>(r.Int("port", 1, 65535).value_or(redis.port));
  redis.tls = r.Bool("tls").value_or(false);
  redis.password_file = r.String("passwordFile").value_or("");
  redis.ca_file = r.String("caFile").value_or("");
  redis.key_prefix = r.String("keyPrefix").value_or(redis.key_prefix);
  redis.entry_key_file = r.String("entryKeyFile").value_or("");
  r.Finish();
  if (!r.is_mapping()) return;
  if (redis.entry_key_file.empty()) {
    diag.Warning(path,
                 "no entryKeyFile: entries in Redis could be forged by anyone who can write "
                 "to it, so the cache is not shared (each replica keeps its own)");
  }
  f.cache_redis = std::move(redis);
}

// cache.errorExpirySeconds: at most expirySeconds (a failure never outlives a success); absent,
// min(10, expirySeconds). Read after expirySeconds.
void ParseErrorExpiry(FieldReader& c, Features& f) {
  const auto given = c.Int("errorExpirySeconds", INT32_MIN, INT32_MAX);
  int seconds = given ? std::max(static_cast<int>(*given), 0) : kDefaultCacheErrorExpirySeconds;
  if (given && seconds > f.cache_expiry_seconds) {
    c.diag().Warning(c.PathOf("errorExpirySeconds"),
                     "capped at expirySeconds (" + std::to_string(f.cache_expiry_seconds) +
                         " seconds): a failure is never reused longer than a success");
  }
  f.cache_error_expiry_seconds = std::min(seconds, f.cache_expiry_seconds);
}

// true | false | {expirySeconds, cacheErrors, errorExpirySeconds, staleIfError, staleMaxSeconds,
// redis}
void ParseCache(FieldReader& r, Features& f) {
  const json* v = r.Get("cache");
  if (v == nullptr) return;
  if (v->is_boolean()) {
    if (!v->get<bool>()) f.cache_expiry_seconds = f.cache_error_expiry_seconds = 0;
    return;
  }
  FieldReader c(*v, r.PathOf("cache"), r.diag());
  if (!c.is_mapping()) return;
  if (auto s = c.Int("expirySeconds", INT32_MIN, INT32_MAX)) {
    int seconds = static_cast<int>(*s);
    if (seconds > kMaxCacheExpirySeconds) {
      r.diag().Warning(c.PathOf("expirySeconds"),
                       "capped at " + std::to_string(kMaxCacheExpirySeconds) + " seconds");
      seconds = kMaxCacheExpirySeconds;
    }
    f.cache_expiry_seconds = std::max(seconds, 0);
  }
  f.cache_errors = c.Bool("cacheErrors").value_or(f.cache_errors);
  ParseErrorExpiry(c, f);
  f.stale_if_error = c.Bool("staleIfError").value_or(f.stale_if_error);
  if (auto s = c.Int("staleMaxSeconds", INT32_MIN, INT32_MAX)) {
    f.cache_stale_max_seconds = std::clamp(static_cast<int>(*s), 0, kMaxCacheStaleSeconds);
    if (*s > kMaxCacheStaleSeconds) {
      r.diag().Warning(c.PathOf("staleMaxSeconds"),
                       "capped at " + std::to_string(kMaxCacheStaleSeconds) + " seconds");
    }
  }
  if (const json* redis = c.Get("redis")) ParseRedis(*redis, c.PathOf("redis"), r.diag(), f);
  c.Finish();
}

}  // namespace

Features ParseFeatures(const json& features, const std::string& path, Diagnostics& diag) {
  Features f;
  FieldReader r(features, path, diag);
  f.detection_mode = r.Bool("detectionMode").value_or(f.detection_mode);
  ParseNamespaced(r, f);
  f.automatic_child_approval =
      r.Bool("automaticChildApproval").value_or(f.automatic_child_approval);
  f.automatic_unchanged_approval =
      r.Bool("automaticUnchangedApproval").value_or(f.automatic_unchanged_approval);
  if (auto mode = r.String("resourceValidationMode")) {
    std::string m = Lower(*mode);
    if (m == "all") {
      f.resource_validation_mode = Features::ResourceValidationMode::kAll;
    } else if (m == "podsonly") {
      f.resource_validation_mode = Features::ResourceValidationMode::kPodsOnly;
    } else {
      diag.Error(r.PathOf("resourceValidationMode"),
                 "ResourceValidationMode must be one of [all podsOnly], got \"" + *mode + "\"");
    }
  }
  ParseCache(r, f);
  f.legacy_unanchored_matching =
      r.Bool("legacyUnanchoredMatching").value_or(f.legacy_unanchored_matching);
  r.Finish();
  return f;
}

Features ParseV2Features(FieldReader& top) {
  Features f;
  Diagnostics& diag = top.diag();
  f.detection_mode = top.Bool("detectionMode").value_or(f.detection_mode);
  if (const json* nv = top.Get("namespacedValidation")) {
    FieldReader m(*nv, top.PathOf("namespacedValidation"), diag, Dialect::kV2);
    if (m.is_mapping()) {
      bool enabled = m.Bool("enabled").value_or(false);
      if (enabled) {
        ReadNamespacedMode(m, f);
      } else {
        m.Ignore("mode");
      }
      m.Finish();
    }
  }
  if (const json* ca = top.Get("automaticChildApproval")) {
    if (ca->is_boolean()) {
      f.automatic_child_approval = ca->get<bool>();
    } else {
      FieldReader m(*ca, top.PathOf("automaticChildApproval"), diag, Dialect::kV2);
      f.automatic_child_approval = m.Bool("enabled").value_or(true);
      m.Finish();
    }
  }
  if (const json* ua = top.Get("automaticUnchangedApproval")) {
    if (ua->is_boolean()) {
      f.automatic_unchanged_approval = ua->get<bool>();
    } else {
      FieldReader m(*ua, top.PathOf("automaticUnchangedApproval"), diag, Dialect::kV2);
      f.automatic_unchanged_approval = m.Bool("enabled").value_or(false);
      m.Finish();
    }
  }
  return f;
}

}  // namespace connaisseur::config
