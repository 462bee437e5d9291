// `connaisseur check`: a dry run of the policy over a list of images (docs in its --help).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cli/check_runner.h"
#include "runtime/cli/command_line.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/image_evaluator.h"
#include "runtime/cli/image_source.h"
#include "runtime/cli/manifest_images.h"
#include "runtime/cli/policy_environment.h"
#include "runtime/cli/usage_error.h"
#include "runtime/log/logger.h"
#include "runtime/policy/namespace_labels.h"

namespace connaisseur::cli {
namespace {

constexpr char kHelp[] = R"(Usage: connaisseur check --config VALUES.yaml [options] [IMAGE...]

Dry-runs the admission policy over container images: parses and normalises each reference,
lets the policy script select a rule, runs the rule's validator (through one shared cache) and
prints the verdict the webhook would give.

Options:
  --config FILE          helm values file (Connaisseur v1, v2 or v3 layout); required
  --policy-script FILE   Lua policy to use instead of application.policyScript / the default
  --alert-config FILE    alerting section in a file of its own (as Connaisseur's chart mounts it)
  --images FILE|-        one image reference per line ('-' = stdin); blank lines and lines
                         starting with '#' are skipped
  --manifests PATH|-     Kubernetes YAML/JSON (multi-document; a directory is searched for
                         *.yaml, *.yml, *.json): images of Pod, Deployment, ReplicaSet,
                         ReplicationController, DaemonSet, StatefulSet, Job, CronJob and List,
                         each reported with its file and line, object (kind, namespace, name)
                         and path (e.g. spec.template.spec.initContainers[0].image)
  --plan                 no network: images whose rule uses a `static` validator (or a
                         validator that is not configured) get the webhook's allow or deny;
                         images that need a validator's back-end (notaryv1, cosign, ...) get
                         verdict "plan" with the rule and validator that would run
  --output FORMAT        table (default), json (one array) or jsonl (one object per line, in
                         input order); keys: image normalized rule validator verdict digest
                         reason source (source: null, or for a manifest image
                         {file, line, kind, namespace, name, path})
  --jobs N               worker threads sharing one verification cache (default: CPU cores)
  --namespace NS         namespace of the synthetic request the policy sees (default: default)
  --namespace-labels K=V,...
                         the labels of that namespace, for policies that read
                         request.namespace_labels ('' for none); without it reading them is
                         an error that denies (there is no cluster to ask)
  --detection            detection mode: a deny becomes an allow with a warning (also on when
                         the values set detectionMode)
  -h, --help             show this help

Images are taken from the arguments, then --images, then --manifests.

Exit status: 0 no image denied (every image allowed; with --plan, allowed or "plan": nothing
is surely denied yet), 1 at least one image denied (with --plan: surely denied, since a parse
error, a missing rule or a static deny needs no network to decide), 2 usage, configuration or
policy script error.
)";

constexpr OptionSpec kOptions[] = {
    {"config", true},     {"policy-script", true}, {"alert-config", true},
    {"images", true},     {"manifests", true},     {"plan", false},
    {"output", true},     {"jobs", true},          {"namespace", true},
    {"detection", false}, {"help", false},         {"namespace-labels", true},
};

bool ParseJobs(const std::string& text, int* jobs) {
  if (text.empty() || text.size() > 4) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 1024) return false;
  *jobs = value;
  return true;
}

// The images in input order: arguments, then --images, then --manifests. Built before any
// work starts, so an unreadable list is a usage error (kInvalidArgument) up front.
StatusOr<std::unique_ptr<ImageSource>> ImagesOf(const Arguments& args) {
  std::vector<std::unique_ptr<ImageSource>> sources;
  sources.push_back(ListSource(args.positionals()));
  if (args.Has("images")) {
    CN_ASSIGN_OR_RETURN(auto lines, LineFileSource(args.Get("images")));
    sources.push_back(std::move(lines));
  }
  if (args.Has("manifests")) {
    std::vector<SourcedImage> images;
    CN_RETURN_IF_ERROR(ImagesFromManifestPath(args.Get("manifests"), &images));
    sources.push_back(ListSource(std::move(images)));
  }
  return ConcatSource(std::move(sources));
}

// One evaluator (with its own policy) per worker.
StatusOr<std::vector<std::unique_ptr<ImageEvaluator>>> Evaluators(
    PolicyEnvironment& env, const EvaluationOptions& evaluation, int jobs) {
  std::vector<std::unique_ptr<ImageEvaluator>> evaluators;
  for (int i = 0; i < jobs; ++i) {
    CN_ASSIGN_OR_RETURN(
        auto evaluator,
        ImageEvaluator::Create(
            &env.config(), &env.verifier(),
            [&](verification::ImageVerifier* v) { return env.NewPolicy(v); }, evaluation));
    evaluators.push_back(std::move(evaluator));
  }
  return evaluators;
}

void PrintSummaryLine(const CheckSummary& summary, bool plan) {
  const auto n = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  if (plan) {
    std::printf("%llu images: %llu allowed, %llu planned, %llu denied\n", n(summary.total),
                n(summary.allowed), n(summary.planned), n(summary.denied));
  } else {
    std::printf("%llu images: %llu allowed, %llu denied\n", n(summary.total), n(summary.allowed),
                n(summary.denied));
  }
}

// What the command line asks for beyond the environment; an error is a usage error.
struct CheckOptions {
  RunOptions run;
  int jobs = 1;
};

StatusOr<CheckOptions> CheckOptionsFrom(const Arguments& args) {
  if (!args.Has("config")) return InvalidArgumentError("--config VALUES.yaml is required");
  CheckOptions options;
  const std::string output = args.Get("output", "table");
  if (output == "table") {
    options.run.format = OutputFormat::kTable;
  } else if (output == "json") {
    options.run.format = OutputFormat::kJson;
  } else if (output == "jsonl") {
    options.run.format = OutputFormat::kJsonl;
  } else {
    return InvalidArgumentError("--output must be table, json or jsonl, not \"" + output + "\"");
  }
  options.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (args.Has("jobs") && !ParseJobs(args.Get("jobs"), &options.jobs)) {
    return InvalidArgumentError("--jobs must be a whole number from 1 to 1024");
  }
  if (args.positionals().empty() && !args.Has("images") && !args.Has("manifests")) {
    return InvalidArgumentError("no images given (use IMAGE arguments, --images or --manifests)");
  }
  if (args.Get("images") == "-" && args.Get("manifests") == "-") {
    return InvalidArgumentError("--images and --manifests cannot both read stdin");
  }
  return options;
}

StatusOr<EvaluationOptions> EvaluationOptionsFrom(const Arguments& args,
                                                  const config::Config& config) {
  EvaluationOptions evaluation;
  evaluation.plan = args.Has("plan");
  evaluation.detection = args.Has("detection") || config.features.detection_mode;
  evaluation.namespace_name = args.Get("namespace", "default");
  evaluation.timeout = std::chrono::seconds(config.timeout_seconds);
  if (args.Has("namespace-labels")) {
    auto labels = policy::ParseNamespaceLabels(args.Get("namespace-labels"));
    if (!labels.ok()) return labels.status().WithPrefix("--namespace-labels");
    evaluation.namespace_labels = policy::FixedNamespaceLabels(*std::move(labels));
  } else {
    evaluation.namespace_labels = policy::NoNamespaceLabels(
        "connaisseur check has no cluster to ask; give them with --namespace-labels");
  }
  return evaluation;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "connaisseur check: %s\n", status.message().c_str());
  return kExitUsage;
}

// Runs the evaluators over `source`, writes the results to stdout, and gives the exit status.
int CheckImages(ImageSource& source, std::vector<std::unique_ptr<ImageEvaluator>> evaluators,
                RunOptions run, bool plan) {
  // Results leave in large buffered writes; nothing flushes per line.
  static char stdout_buffer[1 << 20];
  std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
  if (isatty(STDERR_FILENO) == 1) run.progress = stderr;
  auto summary = RunCheck(source, std::move(evaluators), run, stdout);
  if (!summary.ok()) return Fail(summary.status());
  if (run.format == OutputFormat::kTable) PrintSummaryLine(*summary, plan);
  std::fflush(stdout);
  if (summary->detection_overrides > 0) {
    std::fprintf(stderr,
                 "connaisseur check: warning: detection mode active: %llu denied image(s) were "
                 "allowed\n",
                 static_cast<unsigned long long>(summary->detection_overrides));
  }
  return summary->denied > 0 ? kExitDenied : kExitOk;
}

}  // namespace

int RunCheckCommand(std::span<const std::string_view> argv) {
  int exit_code = kExitOk;
  const auto parsed = ParseCommandLine({"check", kOptions, kHelp}, argv, &exit_code);
  if (!parsed) return exit_code;
  const Arguments& args = *parsed;
  auto options = CheckOptionsFrom(args);
  if (!options.ok()) return UsageError("check", options.status().message());

  // Script logs and print() go to stderr, so stdout stays exactly the results.
  log::JsonLogger logger(stderr, log::Level::kInfo);
  auto env = PolicyEnvironment::Load(EnvironmentOptionsFrom(args), &logger);
  if (!env.ok()) return Fail(env.status());
  auto source = ImagesOf(args);
  if (!source.ok()) return UsageError("check", source.status().message());
  const auto evaluation = EvaluationOptionsFrom(args, (*env)->config());
  if (!evaluation.ok()) return UsageError("check", evaluation.status().message());
  auto evaluators = Evaluators(**env, *evaluation, options->jobs);
  if (!evaluators.ok()) return Fail(evaluators.status());
  return CheckImages(**source, std::move(evaluators).value(), options->run, evaluation->plan);
}

}  // namespace connaisseur::cli
