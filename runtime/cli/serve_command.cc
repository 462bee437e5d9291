#include <pthread.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "runtime/admission/webhook_endpoints.h"
#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/usage_error.h"
#include "runtime/cli/webhook_stack.h"
#include "runtime/http/server.h"
#include "runtime/metrics/webhook_metrics.h"

namespace connaisseur::cli {
namespace {

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

// What `serve` was asked for, beyond the values file.
struct ServeSettings {
  WebhookOptions webhook;
  http::ServerOptions server;  // memory_budget and logger are set once they exist
  std::chrono::milliseconds ready_timeout{2000};
  size_t memory_budget_bytes = size_t{256} << 20;
};

// The settings of the command line; a usage error names the flag.
StatusOr<ServeSettings> ServeSettingsFrom(const Arguments& args) {
  if (!args.Has("config") || !args.positionals().empty() ||
      (args.Has("insecure-http") && (args.Has("tls-cert") || args.Has("tls-key")))) {
    return InvalidArgumentError(
        "needs --config, no positional arguments, and either TLS files or --insecure-http");
  }
  ServeSettings settings;
  settings.webhook.environment = EnvironmentOptionsFrom(args);
  settings.webhook.with_alerts = true;
  if (args.Has("ready-timeout")) {
    CN_ASSIGN_OR_RETURN(settings.ready_timeout, ParseSeconds(args.Get("ready-timeout")));
  }
  CN_ASSIGN_OR_RETURN(settings.server, ServerOptionsFrom(args));
  CN_ASSIGN_OR_RETURN(const int budget_mib,
                      ParseCount("memory-budget", args.Get("memory-budget", "256"), 1 << 20));
  settings.memory_budget_bytes = static_cast<size_t>(budget_mib) << 20;
  return settings;
}

// Every open connection is a descriptor, idle attackers' included until they are refused:
// raise the soft limit to the hard one, as daemons (and Go programs) do.
void RaiseOpenFileLimit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

// SIGTERM/SIGINT (drain and exit) and SIGHUP (reload the certificate) are handled synchronously
// by the main thread: blocked before any worker starts, so every thread inherits the mask.
sigset_t BlockServeSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// The endpoints' view of the webhook. `ready` and `serving` are borrowed: /ready answers 503 until
// `ready` is set, and /metrics counts the refused connections of the server in `serving`.
admission::EndpointOptions EndpointOptionsFor(WebhookStack& webhook,
                                              std::chrono::milliseconds ready_timeout,
                                              std::atomic<bool>* ready,
                                              std::atomic<const http::Server*>* serving) {
  admission::EndpointOptions options;
  options.reviewer = &webhook.reviewer();
  options.runners = &webhook.runners();
  options.metrics = &webhook.metrics();
  options.ready = ready;
  options.logger = &webhook.logger();
  options.refresh_metrics = [&webhook, serving](metrics::Registry& r) {
    webhook.RefreshMetrics(r);
    if (const http::Server* server = serving->load()) {
      r.Set(metrics::kConnectionsRefused, {}, static_cast<double>(server->refused_connections()));
    }
  };
  options.backends = &webhook.verifier();
  options.ready_timeout = ready_timeout;
  return options;
}

void LogServing(log::Logger& logger, const http::ServerOptions& options, const http::Server& server,
                const http::MemoryBudget& budget) {
  logger.Info("serving", {{"listen", options.listen},
                          {"port", server.port()},
                          {"tls", !options.insecure_http},
                          {"threads", options.num_threads},
                          {"max_connections_per_client", options.max_connections_per_client},
                          {"memory_budget_bytes", budget.capacity()}});
  std::fflush(stdout);
}

// Waits for the blocked `signals`: SIGHUP reloads the certificate, SIGTERM or SIGINT turns /ready
// off and drains the requests in flight. Returns the exit code.
int ServeUntilStopped(http::Server& server, const sigset_t& signals, std::atomic<bool>& ready,
                      log::Logger& logger) {
  int received = 0;
  for (;;) {
    if (sigwait(&signals, &received) != 0) continue;
    if (received != SIGHUP) break;
    logger.Info("SIGHUP: reloading the TLS certificate");
    (void)server.ReloadCertificates();  // the outcome is logged by the certificate store
    std::fflush(stdout);
  }
  ready = false;
  logger.Info("shutting down: draining in-flight requests", {{"signal", received}});
  server.Stop();
  logger.Info("stopped");
  return kExitOk;
}

// Serves the webhook built from `settings` until SIGTERM or SIGINT.
int Serve(ServeSettings& settings) {
  RaiseOpenFileLimit();
  const sigset_t signals = BlockServeSignals();
  auto stack = WebhookStack::Create(settings.webhook);
  if (!stack.ok()) {
    log::JsonLogger(stdout, log::Level::kInfo).Error("cannot start: " + stack.status().message());
    return kExitUsage;
  }
  WebhookStack& webhook = **stack;
  // What loads but denies at request time (`connaisseur lint` lists the same), said once here.
  for (const std::string& warning : webhook.config().warnings) webhook.logger().Warn(warning);
  std::atomic<bool> ready{false};
  std::atomic<const http::Server*> serving{nullptr};  // set once the server has started
  admission::WebhookEndpoints endpoints(
      EndpointOptionsFor(webhook, settings.ready_timeout, &ready, &serving));
  http::MemoryBudget memory_budget(settings.memory_budget_bytes);
  settings.server.memory_budget = &memory_budget;
  settings.server.logger = &webhook.logger();
  // Everything /ready waits for (configuration, script, validators) is loaded; /ready still asks
  // the back-ends on each probe. Set before the server starts, so the first probe that reaches a
  // worker already answers 200 while civetweb is still starting the others (BENCHMARKS.md
  // "Webhook"): nothing answers before Start, and a failed Start exits.
  ready = true;
  auto server = http::Server::Start(
      settings.server, [&endpoints](const http::Request& r) { return endpoints.Handle(r); });
  if (!server.ok()) {
    webhook.logger().Error("cannot start: " + server.status().message());
    return kExitUsage;
  }
  serving = server->get();
  LogServing(webhook.logger(), settings.server, **server, memory_budget);
  return ServeUntilStopped(**server, signals, ready, webhook.logger());
}

}  // namespace

int RunServe(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  const auto parsed = ParseCommandLine({"serve", kServeOptions, kServeHelp}, args, &exit_code);
  if (!parsed) return exit_code;
  auto settings = ServeSettingsFrom(*parsed);
  if (!settings.ok()) return UsageError("serve", settings.status().message());
  return Serve(*settings);
}

}  // namespace connaisseur::cli
