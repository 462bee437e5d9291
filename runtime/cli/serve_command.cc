#include "runtime/cli/serve_command.h"

#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "runtime/admission/webhook_endpoints.h"
#include "runtime/cli/arguments.h"
#include "runtime/http/server.h"
#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::cli {
namespace {

constexpr int kMaxCacheTtlSeconds = 300;
// Threads helping requests verify their images concurrently (8 per request at most). Fewer than
// civetweb's workers: when many requests are in flight there is parallelism across them already,
// and a request that finds the pool busy verifies on its own thread.
constexpr size_t kVerificationThreads = 32;

constexpr char kServeHelp[] =
    R"(Usage: connaisseur serve --config VALUES.yaml [--policy-script FILE.lua] [--alert-config FILE]
                         [--tls-cert FILE --tls-key FILE | --insecure-http] [--listen ADDR:PORT]
                         [--ready-timeout SECONDS] [--threads N]
                         [--max-connections-per-client N] [--memory-budget MIB]

Runs the admission webhook: POST /mutate (AdmissionReview), GET /health (liveness), GET /ready
(503 until configuration, script and validators are loaded, and while a validator's back-end,
e.g. a notary host, does not answer), GET /metrics (Prometheus text).
Each admission request has 29 s to be decided (application.timeoutSeconds; the API server waits
30 s): past it, it is denied with a timeout message.
Logs are JSON lines on stdout. SIGTERM drains in-flight requests and exits 0. Certificate files
are re-read when they change, and on SIGHUP; both are logged.

Clients are bounded before a request is read: the TLS handshake and the request headers must
arrive within 5 s, the body within 10 s; one client address holds at most
--max-connections-per-client connections; bodies and parsed reviews share --memory-budget
(503 when it is held by other requests, 413 when one request alone needs more).

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to use instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  --tls-cert FILE        PEM server certificate (default /app/certs/tls.crt)
  --tls-key FILE         PEM private key of the certificate (default /app/certs/tls.key)
  --insecure-http        plain HTTP instead of TLS (local testing only)
  --listen ADDR:PORT     where to listen (default 0.0.0.0:5000)
  --ready-timeout SECONDS  how long /ready waits for the back-ends (default 2; answers are
                         reused for a few seconds, so probes do not hammer them)
  --threads N            connections served at once (one worker thread each; default 256)
  --max-connections-per-client N
                         TLS connections one client address may hold open (default 64)
  --memory-budget MIB    memory for request bodies and parsed reviews across all requests in
                         flight (default 256)
  -h, --help             show this help

Environment: POD_NAME (alerts' connaisseur_pod_id), CONNAISSEUR_ALERT_TEMPLATES (template
directory, default /app/alerts/templates).

Exit status: 0 after a clean shutdown, 2 usage, configuration or script error.
)";

constexpr OptionSpec kServeOptions[] = {
    {"config", true},        {"policy-script", true},
    {"alert-config", true},  {"tls-cert", true},
    {"tls-key", true},       {"insecure-http", false},
    {"listen", true},        {"ready-timeout", true},
    {"threads", true},       {"max-connections-per-client", true},
    {"memory-budget", true}, {"help", false}};

// admission::PolicyRunner over one sandboxed Lua state.
class SandboxRunner final : public admission::PolicyRunner {
 public:
  explicit SandboxRunner(std::unique_ptr<policy::Policy> policy) : policy_(std::move(policy)) {}
  StatusOr<config::Rule> Select(const image::ImageReference& image,
                                const policy::PolicyRequest& request, Deadline deadline) override {
    return policy_->Select(image, request, deadline);
  }
  StatusOr<policy::AdmitDecision> Admit(const policy::PolicyRequest& request,
                                        std::span<const policy::ImageResult> results,
                                        Deadline deadline) override {
    return policy_->Admit(request, results, deadline);
  }

 private:
  std::unique_ptr<policy::Policy> policy_;
};

// "2", "0.5": a positive number of seconds up to a minute.
StatusOr<std::chrono::milliseconds> ParseSeconds(const std::string& text) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end == nullptr || *end != '\0' || !(seconds > 0) || seconds > 60) {
    return InvalidArgumentError("--ready-timeout wants seconds in (0, 60], got \"" + text + "\"");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// A whole number in [1, max] for --<name>.
StatusOr<int> ParseCount(const char* name, const std::string& text, int max) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || value < 1 || value > max) {
    return InvalidArgumentError(std::string("--") + name + " wants a whole number in [1, " +
                                std::to_string(max) + "], got \"" + text + "\"");
  }
  return static_cast<int>(value);
}

// The server's options from the command line; a usage error names the flag.
StatusOr<http::ServerOptions> ServerOptionsFrom(const Arguments& args) {
  http::ServerOptions options;
  options.listen = args.Get("listen", "0.0.0.0:5000");
  options.insecure_http = args.Has("insecure-http");
  options.cert_file = args.Get("tls-cert", "/app/certs/tls.crt");
  options.key_file = args.Get("tls-key", "/app/certs/tls.key");
  if (args.Has("threads")) {
    CN_ASSIGN_OR_RETURN(options.num_threads, ParseCount("threads", args.Get("threads"), 4096));
  }
  if (args.Has("max-connections-per-client")) {
    CN_ASSIGN_OR_RETURN(
        options.max_connections_per_client,
        ParseCount("max-connections-per-client", args.Get("max-connections-per-client"), 65536));
  }
  return options;
}

const char* EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

StatusOr<std::unique_ptr<WebhookStack>> WebhookStack::Create(const EnvironmentOptions& options,
                                                             log::Logger* logger,
                                                             bool with_alerts) {
  auto stack = std::make_unique<WebhookStack>(PassKey{});
  CN_ASSIGN_OR_RETURN(stack->environment_, PolicyEnvironment::Load(options, logger));
  PolicyEnvironment* env = stack->environment_.get();
  const config::Config& config = env->config();
  metrics::DescribeWebhookMetrics(stack->metrics_);

  admission::VerifiedDigests::Options verified_options;
  verified_options.ttl = std::chrono::seconds(
      std::clamp(config.features.cache_expiry_seconds, 0, kMaxCacheTtlSeconds));
  stack->verified_ = std::make_unique<admission::VerifiedDigests>(verified_options);
  if (config.features.automatic_child_approval &&
      config.features.resource_validation_mode ==
          config::Features::ResourceValidationMode::kPodsOnly) {
    logger->Warn(
        "insecure configuration detected: automatic child approval enabled, while only pod "
        "admissions are rejected. Pretending automatic child approval was disabled");
  }

  if (with_alerts && config.alerting.enabled) {
    net::TlsOptions tls;
    tls.allow_plain_http = true;  // receiverUrl may be http:// (docs/configuration.md "alerting")
    CN_ASSIGN_OR_RETURN(stack->alert_client_, net::HttpClient::Create(tls));
    alerting::AlertDispatcherOptions alert_options;
    alert_options.config = &config.alerting;
    alert_options.template_dir = EnvOr("CONNAISSEUR_ALERT_TEMPLATES", "/app/alerts/templates");
    alert_options.pod_name = EnvOr("POD_NAME", "");
    alert_options.client = stack->alert_client_.get();
    alert_options.metrics = &stack->metrics_;
    alert_options.logger = logger;
    CN_ASSIGN_OR_RETURN(stack->alerts_, alerting::AlertDispatcher::Create(alert_options));
  }

  stack->pool_ = std::make_unique<admission::WorkerPool>(kVerificationThreads);
  admission::ImageCheckContext ctx{&config,          &env->verifier(), stack->verified_.get(),
                                   &stack->metrics_, logger,           stack->pool_.get()};
  stack->reviewer_ = std::make_unique<admission::Reviewer>(ctx, stack->alerts_.get());
  stack->runners_ = std::make_unique<admission::RunnerPool>(
      [env]() -> StatusOr<std::unique_ptr<admission::PolicyRunner>> {
        CN_ASSIGN_OR_RETURN(auto policy, env->NewPolicy(/*with_verifier=*/true));
        return std::unique_ptr<admission::PolicyRunner>(
            std::make_unique<SandboxRunner>(std::move(policy)));
      });
  // Prove the script loads now (a configuration error), and keep the state for the first request.
  CN_ASSIGN_OR_RETURN(auto first, stack->runners_->Acquire());
  return stack;
}

void WebhookStack::RefreshMetrics(metrics::Registry& registry) {
  const auto stats = environment_->verifier().cache_stats();
  registry.Set(metrics::kCacheHits, {}, static_cast<double>(stats.hits));
  registry.Set(metrics::kCacheMisses, {}, static_cast<double>(stats.misses));
  registry.Set(metrics::kCacheJoined, {}, static_cast<double>(stats.joined));
}

int RunServe(int argc, char** argv) {
  auto args =
      Arguments::Parse(std::span<char* const>(argv, static_cast<size_t>(argc)), kServeOptions);
  if (!args.ok()) {
    std::fprintf(stderr, "connaisseur serve: %s\nTry 'connaisseur serve --help'.\n",
                 args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(kServeHelp, stdout);
    return 0;
  }
  if (!args->Has("config") || !args->positionals().empty() ||
      (args->Has("insecure-http") && (args->Has("tls-cert") || args->Has("tls-key")))) {
    std::fputs(
        "connaisseur serve: needs --config, no positional arguments, and either TLS files "
        "or --insecure-http\nTry 'connaisseur serve --help'.\n",
        stderr);
    return 2;
  }

  std::chrono::milliseconds ready_timeout{2000};
  if (args->Has("ready-timeout")) {
    auto parsed = ParseSeconds(args->Get("ready-timeout"));
    if (!parsed.ok()) {
      std::fprintf(stderr, "connaisseur serve: %s\n", parsed.status().message().c_str());
      return 2;
    }
    ready_timeout = *parsed;
  }
  auto server_options = ServerOptionsFrom(*args);
  auto budget_mib = ParseCount("memory-budget", args->Get("memory-budget", "256"), 1 << 20);
  if (!server_options.ok() || !budget_mib.ok()) {
    const Status& bad = server_options.ok() ? budget_mib.status() : server_options.status();
    std::fprintf(stderr, "connaisseur serve: %s\n", bad.message().c_str());
    return 2;
  }

  // Every open connection is a descriptor, idle attackers' included until they are refused:
  // raise the soft limit to the hard one, as daemons (and Go programs) do.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  // Handle SIGTERM/SIGINT (drain and exit) and SIGHUP (reload the certificate) synchronously in
  // this thread: block them before any worker starts so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  log::JsonLogger boot_logger(stdout, log::Level::kInfo);
  EnvironmentOptions env_options{args->Get("config"), args->Get("policy-script"),
                                 args->Get("alert-config")};
  auto probe = config::LoadConfigFile(env_options.config_path);  // for the log settings only
  log::Level level = log::Level::kInfo;
  bool pretty = false;
  if (probe.ok()) {
    log::ParseLevel(probe->log_level, &level);
    pretty = probe->log_format == "json-pretty";
  }
  log::JsonLogger logger(stdout, level, pretty);

  std::atomic<bool> ready{false};
  auto stack = WebhookStack::Create(env_options, &logger, /*with_alerts=*/true);
  if (!stack.ok()) {
    boot_logger.Error("cannot start: " + stack.status().message());
    return 2;
  }
  WebhookStack& webhook = **stack;
  // What loads but denies at request time (`connaisseur lint` lists the same), said once here.
  for (const std::string& warning : webhook.config().warnings) logger.Warn(warning);
  admission::EndpointOptions endpoint_options;
  endpoint_options.reviewer = &webhook.reviewer();
  endpoint_options.runners = &webhook.runners();
  endpoint_options.metrics = &webhook.metrics();
  endpoint_options.ready = &ready;
  endpoint_options.logger = &logger;
  std::atomic<const http::Server*> serving{nullptr};  // set once the server has started
  endpoint_options.refresh_metrics = [&webhook, &serving](metrics::Registry& r) {
    webhook.RefreshMetrics(r);
    if (const http::Server* server = serving.load()) {
      r.Set(metrics::kConnectionsRefused, {}, static_cast<double>(server->refused_connections()));
    }
  };
  endpoint_options.backends = &webhook.verifier();
  endpoint_options.ready_timeout = ready_timeout;
  admission::WebhookEndpoints endpoints(endpoint_options);

  http::MemoryBudget memory_budget(static_cast<size_t>(*budget_mib) << 20);
  server_options->memory_budget = &memory_budget;
  server_options->logger = &logger;
  auto server = http::Server::Start(
      *server_options, [&endpoints](const http::Request& r) { return endpoints.Handle(r); });
  if (!server.ok()) {
    logger.Error("cannot start: " + server.status().message());
    return 2;
  }
  serving = server->get();
  ready = true;
  logger.Info("serving",
              {{"listen", server_options->listen},
               {"port", (*server)->port()},
               {"tls", !server_options->insecure_http},
               {"threads", server_options->num_threads},
               {"max_connections_per_client", server_options->max_connections_per_client},
               {"memory_budget_bytes", memory_budget.capacity()}});
  std::fflush(stdout);

  int received = 0;
  for (;;) {
    if (sigwait(&signals, &received) != 0) continue;
    if (received != SIGHUP) break;
    logger.Info("SIGHUP: reloading the TLS certificate");
    (*server)->ReloadCertificates().ok();  // the outcome is logged by the certificate store
    std::fflush(stdout);
  }
  ready = false;
  logger.Info("shutting down: draining in-flight requests", {{"signal", received}});
  (*server)->Stop();
  logger.Info("stopped");
  return 0;
}

}  // namespace connaisseur::cli
