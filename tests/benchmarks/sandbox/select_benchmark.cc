// select per image through scripts/default.lua with 10, 100 and 1,000 rules (issue 3).
// Run: build/tests/benchmarks/sandbox/select_benchmark
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/log/logger.h"
#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "scripts/default_policy.h"
#include "stdlib/stdlib.h"

namespace connaisseur {
namespace {

// `n` rules shaped like real policies: per-team registries and repositories plus catch-alls, so
// a typical image has a handful of candidates to rank.
config::Config MakeConfig(int n) {
  config::Config c;
  config::ValidatorConfig v;
  v.name = "default";
  c.validators.push_back(v);
  const char* shapes[] = {"registry%d.example.com/*:*", "docker.io/team%d/*", "ghcr.io/org%d/app:*",
                          "docker.io/library/img%d*"};
  for (int i = 0; i < n; i++) {
    char buf[128];
    std::snprintf(buf, sizeof(buf), shapes[i % 4], i);
    config::Rule r;
    r.pattern = buf;
    r.validator = "default";
    r.index = c.policy.size();
    c.policy.push_back(r);
  }
  for (const char* p : {"*:*", "docker.io/*", "docker.io/library/*:*"}) {
    config::Rule r;
    r.pattern = p;
    r.validator = "default";
    r.index = c.policy.size();
    c.policy.push_back(r);
  }
  return c;
}

void BM_SelectDefaultScript(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const config::Config config = MakeConfig(n);
  auto index = std::move(matching::RuleIndex::Build(config.policy, false)).value();
  log::NullLogger logger;
  policy::PolicyOptions options;
  options.source = std::string(embedded::kDefaultPolicyLua);
  options.chunk_name = "default.lua";
  options.config = &config;
  options.rules = index.get();
  options.logger = &logger;
  options.modules = stdlib::StandardModules();
  auto policy = policy::Policy::Create(options);
  if (!policy.ok()) {
    state.SkipWithError(policy.status().ToString().c_str());
    return;
  }
  std::vector<image::ImageReference> images;
  for (int i = 0; i < 64; i++) {
    const std::string refs[] = {"docker.io/team" + std::to_string(i % n) + "/svc:1",
                                "docker.io/library/img" + std::to_string(i % n) + "x:2",
                                "registry" + std::to_string(i % n) + ".example.com/a/b:3",
                                "nginx:1." + std::to_string(i)};
    for (const std::string& r : refs) images.push_back(image::ImageReference::Parse(r).value());
  }
  policy::PolicyRequest request;
  size_t i = 0;
  for (auto _ : state) {
    auto rule = (*policy)->Select(images[i++ % images.size()], request, Deadline::Infinite());
    if (!rule.ok()) state.SkipWithError(rule.status().ToString().c_str());
    benchmark::DoNotOptimize(rule);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SelectDefaultScript)->Arg(10)->Arg(100)->Arg(1000);

// The native ranking of the same rules, for scale.
void BM_NativeBestMatch(benchmark::State& state) {
  const config::Config config = MakeConfig(static_cast<int>(state.range(0)));
  auto index = std::move(matching::RuleIndex::Build(config.policy, false)).value();
  auto image = image::ImageReference::Parse("docker.io/team1/svc:1").value();
  for (auto _ : state) benchmark::DoNotOptimize(index->BestMatch(image));
}
BENCHMARK(BM_NativeBestMatch)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace connaisseur

BENCHMARK_MAIN();
