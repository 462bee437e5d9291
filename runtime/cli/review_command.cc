#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <string>

#include "runtime/admission/admission_review.h"
#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/usage_error.h"
#include "runtime/cli/webhook_stack.h"
#include "runtime/kubernetes/namespace_labels.h"
#include "runtime/policy/namespace_labels.h"

namespace connaisseur::cli {
namespace {

constexpr char kReviewHelp[] =
    R"(Usage: connaisseur review --config VALUES.yaml [--policy-script FILE.lua]
                          [--alert-config FILE] [--namespace-labels K=V,...]
                          [--log-level LEVEL] [REVIEW.json|-]

Reads one admission.k8s.io/v1 (or v1beta1) AdmissionReview request (a file, or '-' / nothing
for stdin) and prints the exact AdmissionReview response the webhook would return: the request
uid echoed, allowed, status.message, patchType/patch (base64 JSON patch pinning image digests)
and warnings. Validators run as in the webhook; no alerts are sent.

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to use instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  --namespace-labels K=V,...
                         the labels of the request's namespace, for policies that read
                         request.namespace_labels ('' for none). Without it they are read
                         from the Kubernetes API in a cluster; elsewhere reading them is an
                         error that denies
  --log-level LEVEL      logs on stderr from LEVEL up (debug, info, warning, error; default
                         warning); debug adds one JSON line per image ("image decided") with
                         the fields `connaisseur check` prints: image normalized rule
                         validator verdict digest reason
  -h, --help             show this help

Exit status: 0 a response was produced (allowed or not), 2 the input is not a valid
AdmissionReview, or a usage, configuration or script error.
)";

constexpr OptionSpec kReviewOptions[] = {{"config", true},       {"policy-script", true},
                                         {"alert-config", true}, {"namespace-labels", true},
                                         {"log-level", true},    {"help", false}};

// Reads at most one byte more than the webhook accepts, so an oversized input is refused by the
// same check as in `serve`.
bool ReadInput(const std::string& path, std::string* out) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (!path.empty() && path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return false;
    in = &file;
  }
  char buf[65536];
  while (out->size() <= admission::kMaxReviewBytes && in->read(buf, sizeof(buf)).gcount() > 0) {
    out->append(buf, static_cast<size_t>(in->gcount()));
  }
  return !in->bad();
}

// Reports a failure that is not a usage error (unreadable input, configuration, invalid review).
int Fail(std::string_view message) {
  std::fprintf(stderr, "connaisseur review: %.*s\n", static_cast<int>(message.size()),
               message.data());
  return kExitUsage;
}

}  // namespace

int RunReview(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  const auto parsed = ParseCommandLine({"review", kReviewOptions, kReviewHelp}, args, &exit_code);
  if (!parsed) return exit_code;
  if (!parsed->Has("config") || parsed->positionals().size() > 1) {
    return UsageError("review", "needs --config and at most one input file");
  }
  const std::string input = parsed->positionals().empty() ? "-" : parsed->positionals()[0];
  std::string body;
  if (!ReadInput(input, &body)) return Fail("cannot read " + input);

  log::Level level = log::Level::kWarn;
  if (parsed->Has("log-level") && !log::ParseLevel(parsed->Get("log-level"), &level)) {
    return UsageError("review", "--log-level must be debug, info, warning or error");
  }
  WebhookOptions options{EnvironmentOptionsFrom(*parsed), nullptr, /*with_alerts=*/false, {}};
  if (parsed->Has("namespace-labels")) {
    auto labels = policy::ParseNamespaceLabels(parsed->Get("namespace-labels"));
    if (!labels.ok())
      return UsageError("review", "--namespace-labels: " + labels.status().message());
    options.namespace_labels = policy::FixedNamespaceLabels(*std::move(labels));
  } else {
    options.namespace_labels =
        kubernetes::InClusterNamespaceLabels("; give them with --namespace-labels");
  }
  log::JsonLogger logger(stderr, level);  // stdout is the response
  options.logger = &logger;
  auto stack = WebhookStack::Create(options);
  if (!stack.ok()) return Fail(stack.status().message());
  auto runner = (*stack)->runners().Acquire();
  if (!runner.ok()) return Fail(runner.status().message());
  auto response = (*stack)->reviewer().Review(body, **runner);
  if (!response.ok()) return Fail(response.status().message());
  std::fwrite(response->data(), 1, response->size(), stdout);
  std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace connaisseur::cli
