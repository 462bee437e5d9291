#include "runtime/cli/review_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <string>

#include "runtime/admission/admission_review.h"
#include "runtime/cli/arguments.h"
#include "runtime/cli/serve_command.h"

namespace connaisseur::cli {
namespace {

constexpr char kReviewHelp[] =
    R"(Usage: connaisseur review --config VALUES.yaml [--policy-script FILE.lua]
                          [--alert-config FILE] [REVIEW.json|-]

Reads one admission.k8s.io/v1 (or v1beta1) AdmissionReview request (a file, or '-' / nothing
for stdin) and prints the exact AdmissionReview response the webhook would return: the request
uid echoed, allowed, status.message, patchType/patch (base64 JSON patch pinning image digests)
and warnings. Validators run as in the webhook; no alerts are sent.

Options:
  --config FILE          helm values file; required
  --policy-script FILE   Lua policy to use instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  -h, --help             show this help

Exit status: 0 a response was produced (allowed or not), 2 the input is not a valid
AdmissionReview, or a usage, configuration or script error.
)";

constexpr OptionSpec kReviewOptions[] = {
    {"config", true}, {"policy-script", true}, {"alert-config", true}, {"help", false}};

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

}  // namespace

int RunReview(int argc, char** argv) {
  auto args =
      Arguments::Parse(std::span<char* const>(argv, static_cast<size_t>(argc)), kReviewOptions);
  if (!args.ok()) {
    std::fprintf(stderr, "connaisseur review: %s\nTry 'connaisseur review --help'.\n",
                 args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(kReviewHelp, stdout);
    return 0;
  }
  if (!args->Has("config") || args->positionals().size() > 1) {
    std::fputs(
        "connaisseur review: needs --config and at most one input file\n"
        "Try 'connaisseur review --help'.\n",
        stderr);
    return 2;
  }
  const std::string input = args->positionals().empty() ? "-" : args->positionals()[0];
  std::string body;
  if (!ReadInput(input, &body)) {
    std::fprintf(stderr, "connaisseur review: cannot read %s\n", input.c_str());
    return 2;
  }

  log::JsonLogger logger(stderr, log::Level::kWarn);
  auto stack = WebhookStack::Create(
      {args->Get("config"), args->Get("policy-script"), args->Get("alert-config")}, &logger,
      /*with_alerts=*/false);
  if (!stack.ok()) {
    std::fprintf(stderr, "connaisseur review: %s\n", stack.status().message().c_str());
    return 2;
  }
  auto runner = (*stack)->runners().Acquire();
  if (!runner.ok()) {
    std::fprintf(stderr, "connaisseur review: %s\n", runner.status().message().c_str());
    return 2;
  }
  auto response = (*stack)->reviewer().Review(body, **runner);
  if (!response.ok()) {
    std::fprintf(stderr, "connaisseur review: %s\n", response.status().message().c_str());
    return 2;
  }
  std::fwrite(response->data(), 1, response->size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace connaisseur::cli
