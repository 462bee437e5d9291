#include "runtime/cli/webhook_stack.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <span>
#include <sstream>

#include "runtime/kubernetes/namespace_labels.h"
#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::cli {
namespace {

constexpr int kMaxCacheTtlSeconds = 300;
// Threads helping requests verify their images concurrently (8 per request at most). Fewer than
// civetweb's workers: when many requests are in flight there is parallelism across them already,
// and a request that finds the pool busy verifies on its own thread.
constexpr size_t kVerificationThreads = 32;

const char* EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// JSON lines on stdout at the values file's logLevel and logFormat.
std::unique_ptr<log::JsonLogger> ConfiguredLogger(const config::Config& config) {
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  return std::make_unique<log::JsonLogger>(stdout, level,
                                           /*pretty=*/config.log_format == "json-pretty");
}

// The contents of a mounted secret, without the newline such files often end with (it is not
// part of the secret).
StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return UnavailableError("cannot read " + path);
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

// The secret shared-cache entries are sealed with: at least 32 bytes, as HMAC-SHA256 wants.
StatusOr<std::string> ReadEntryKey(const config::RedisConfig& rc) {
  if (rc.entry_key_file.empty()) {
    return InvalidArgumentError(
        "no cache.redis.entryKeyFile: entries in Redis could be forged by anyone who can write "
        "to it");
  }
  auto key = ReadSecretFile(rc.entry_key_file);
  if (!key.ok()) return key.status().WithPrefix("cache.redis.entryKeyFile");
  if (key->size() < 32) {
    return InvalidArgumentError("cache.redis.entryKeyFile " + rc.entry_key_file + " holds " +
                                std::to_string(key->size()) + " bytes; at least 32 are needed");
  }
  return key;
}

}  // namespace

StatusOr<std::unique_ptr<WebhookStack>> WebhookStack::Create(const WebhookOptions& options) {
  CN_ASSIGN_OR_RETURN(config::Config config, PolicyEnvironment::LoadConfig(options.environment));
  auto stack = std::make_unique<WebhookStack>(PassKey{});
  stack->logger_ = options.logger;
  if (stack->logger_ == nullptr) {
    stack->own_logger_ = ConfiguredLogger(config);
    stack->logger_ = stack->own_logger_.get();
  }
  CN_ASSIGN_OR_RETURN(
      stack->environment_,
      PolicyEnvironment::Create(std::move(config), options.environment, stack->logger_));
  metrics::DescribeWebhookMetrics(stack->metrics_);
  stack->BuildSharedCache();
  const config::Features& features = stack->config().features;
  if (features.automatic_child_approval &&
      features.resource_validation_mode == config::Features::ResourceValidationMode::kPodsOnly) {
    stack->logger_->Warn(
        "insecure configuration detected: automatic child approval enabled, while only pod "
        "admissions are rejected. Pretending automatic child approval was disabled");
  }
  CN_RETURN_IF_ERROR(stack->BuildAlerts(options.with_alerts));
  stack->BuildReviewer(options.namespace_labels ? options.namespace_labels
                                                : kubernetes::InClusterNamespaceLabels());
  CN_RETURN_IF_ERROR(stack->BuildRunners());
  return stack;
}

void WebhookStack::BuildSharedCache() {
  const config::Features& features = environment_->config().features;
  if (!features.cache_redis || features.cache_expiry_seconds <= 0) return;
  const config::RedisConfig& rc = *features.cache_redis;
  StatusOr<std::string> entry_key = ReadEntryKey(rc);
  if (!entry_key.ok()) {
    logger_->Error("shared cache disabled", {{"reason", entry_key.status().message()}});
    return;
  }
  redis::RedisClient::Options options;
  options.host = rc.host;
  options.port = rc.port;
  options.tls = rc.tls;
  options.ca_file = rc.ca_file;
  options.logger = logger_;
  if (!rc.password_file.empty()) {
    StatusOr<std::string> password = ReadSecretFile(rc.password_file);
    if (!password.ok()) {
      logger_->Error("shared cache disabled: cannot read cache.redis.passwordFile",
                     {{"file", rc.password_file}});
      return;
    }
    options.password = std::move(password).value();
  }
  auto client = redis::RedisClient::Create(std::move(options));
  if (!client.ok()) {
    logger_->Error("shared cache disabled", {{"reason", client.status().message()}});
    return;
  }
  redis_ = std::move(client).value();
  validators::SharedVerificationCache::Options cache_options;
  cache_options.entry_key = std::move(entry_key).value();
  cache_options.key_prefix = rc.key_prefix;
  cache_options.ttl =
      std::chrono::seconds(std::clamp(features.cache_expiry_seconds, 1, kMaxCacheTtlSeconds));
  cache_options.logger = logger_;
  shared_cache_ =
      std::make_unique<validators::SharedVerificationCache>(redis_.get(), cache_options);
  environment_->verifier().SetSharedCache(shared_cache_.get());
  logger_->Info("shared cache configured",
                {{"redis", rc.host + ":" + std::to_string(rc.port)}, {"tls", rc.tls}});
}

Status WebhookStack::BuildAlerts(bool with_alerts) {
  const config::Config& config = environment_->config();
  if (!with_alerts || !config.alerting.enabled) return Status();
  net::TlsOptions tls;
  tls.allow_plain_http = true;  // receiverUrl may be http:// (docs/configuration.md "alerting")
  CN_ASSIGN_OR_RETURN(alert_client_, net::HttpClient::Create(tls));
  alerting::AlertDispatcherOptions alert_options;
  alert_options.config = &config.alerting;
  alert_options.template_dir = EnvOr("CONNAISSEUR_ALERT_TEMPLATES", "/app/alerts/templates");
  alert_options.pod_name = EnvOr("POD_NAME", "");
  alert_options.client = alert_client_.get();
  alert_options.metrics = &metrics_;
  alert_options.logger = logger_;
  CN_ASSIGN_OR_RETURN(alerts_, alerting::AlertDispatcher::Create(alert_options));
  return Status();
}

void WebhookStack::BuildReviewer(policy::NamespaceLabelFetch namespace_labels) {
  const config::Config& config = environment_->config();
  admission::VerifiedDigests::Options verified_options;
  verified_options.ttl = std::chrono::seconds(
      std::clamp(config.features.cache_expiry_seconds, 0, kMaxCacheTtlSeconds));
  verified_ = std::make_unique<admission::VerifiedDigests>(verified_options);
  pool_ = std::make_unique<admission::WorkerPool>(kVerificationThreads);
  admission::ImageCheckContext ctx{
      &config, &environment_->verifier(), verified_.get(), &metrics_, logger_, pool_.get()};
  ctx.namespace_labels = std::move(namespace_labels);
  reviewer_ = std::make_unique<admission::Reviewer>(ctx, alerts_.get());
}

Status WebhookStack::BuildRunners() {
  PolicyEnvironment* env = environment_.get();
  runners_ = std::make_unique<admission::RunnerPool>(
      [env]() -> StatusOr<std::unique_ptr<admission::PolicyRunner>> {
        CN_ASSIGN_OR_RETURN(auto policy, env->NewPolicy(/*with_verifier=*/true));
        return std::unique_ptr<admission::PolicyRunner>(
            std::make_unique<admission::ScriptPolicyRunner>(std::move(policy)));
      });
  // Prove the script loads now (a configuration error), and keep the state for the first request.
  CN_ASSIGN_OR_RETURN(auto first, runners_->Acquire());
  return Status();
}

void WebhookStack::RefreshMetrics(metrics::Registry& registry) {
  const auto stats = environment_->verifier().cache_stats();
  registry.Set(metrics::kCacheHits, {}, static_cast<double>(stats.hits));
  registry.Set(metrics::kCacheMisses, {}, static_cast<double>(stats.misses));
  registry.Set(metrics::kCacheJoined, {}, static_cast<double>(stats.joined));
  for (const auto& [name, stale] : environment_->verifier().stale_served()) {
    registry.Set(metrics::kCacheStaleServed, {{"type", stale.type}, {"validator_name", name}},
                 static_cast<double>(stale.served));
  }
  if (shared_cache_ != nullptr) {
    registry.Set(metrics::kCacheSharedHits, {}, static_cast<double>(shared_cache_->hits()));
    registry.Set(metrics::kCacheSharedIgnored, {}, static_cast<double>(shared_cache_->ignored()));
    registry.Set(metrics::kRedisErrors, {}, static_cast<double>(shared_cache_->redis_errors()));
  }
}

}  // namespace connaisseur::cli
