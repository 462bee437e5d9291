// Figures for the matching hot path: ImageReference::Parse, Glob::Match, and RuleIndex
// Candidates/BestMatch with 10, 100 and 1,000 rules, against a brute-force scan of every glob
// (what the literal-prefix trie saves).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/image/image_reference.h"
#include "runtime/matching/glob.h"
#include "runtime/matching/rule_index.h"

namespace connaisseur::matching {
namespace {

const std::vector<std::string> kRegistries = {
    "docker.io", "quay.io", "ghcr.io", "gcr.io", "registry.example.com:5000", "localhost:5000"};

// A policy shaped like a large real one: a catch-all, then rules per registry/org/repo with
// every common pattern shape (org wildcard, repo exact with any tag, tag prefix).
std::vector<config::Rule> MakeRules(size_t n) {
  std::vector<config::Rule> rules;
  std::mt19937 rng(1);
  auto add = [&](std::string pattern) {
    config::Rule r;
    r.pattern = std::move(pattern);
    r.validator = "default";
    r.index = rules.size();
    rules.push_back(std::move(r));
  };
  add("*:*");
  while (rules.size() < n) {
    const std::string reg = kRegistries[rng() % kRegistries.size()];
    const std::string org = "org" + std::to_string(rng() % 200);
    switch (rng() % 3) {
      case 0:
        add(reg + "/" + org + "/*");
        break;
      case 1:
        add(reg + "/" + org + "/app" + std::to_string(rng() % 50) + ":*");
        break;
      default:
        add(reg + "/" + org + "/app" + std::to_string(rng() % 50) + ":v1.*");
        break;
    }
  }
  return rules;
}

std::vector<image::ImageReference> MakeImages(size_t n) {
  std::vector<image::ImageReference> images;
  std::mt19937 rng(2);
  while (images.size() < n) {
    const std::string raw = kRegistries[rng() % kRegistries.size()] + "/org" +
                            std::to_string(rng() % 200) + "/app" + std::to_string(rng() % 50) +
                            ":v1." + std::to_string(rng() % 10);
    auto ref = image::ImageReference::Parse(raw);
    if (!ref.ok()) std::abort();
    images.push_back(std::move(ref).value());
  }
  return images;
}

void BM_Parse(benchmark::State& state) {
  const std::vector<std::string> inputs = {
      "nginx", "securesystemsengineering/sample:v1", "registry.example.com:5000/team/app:1.2.3",
      "ghcr.io/org/app@sha256:" + std::string(64, 'a'), "[::1]:5000/img:tag"};
  size_t i = 0;
  for (auto _ : state) {
    auto ref = image::ImageReference::Parse(inputs[i++ % inputs.size()]);
    benchmark::DoNotOptimize(ref);
  }
}
BENCHMARK(BM_Parse);

// Arg: 1 compares the registry host case-insensitively, as rule matching does; 0 exactly.
void BM_GlobMatchTypical(benchmark::State& state) {
  Glob::Options options;
  options.host_case_insensitive = state.range(0) != 0;
  auto glob = Glob::Compile("docker.io/securesystemsengineering/*:v1.*", options);
  if (!glob.ok()) std::abort();
  const std::string text = "docker.io/securesystemsengineering/sample:v1.2";
  for (auto _ : state) benchmark::DoNotOptimize(glob->Match(text));
}
BENCHMARK(BM_GlobMatchTypical)->Arg(0)->Arg(1);

// The pattern that makes backtracking matchers exponential, over state.range(0) bytes of 'a'.
void BM_GlobMatchBacktrackingPattern(benchmark::State& state) {
  auto glob = Glob::Compile("*a*a*a*a*a*a*a*a*a*a*a*a*b");
  if (!glob.ok()) std::abort();
  const std::string text(static_cast<size_t>(state.range(0)), 'a');
  for (auto _ : state) benchmark::DoNotOptimize(glob->Match(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_GlobMatchBacktrackingPattern)->Arg(1000)->Arg(100'000);

void BM_BuildIndex(benchmark::State& state) {
  const auto rules = MakeRules(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto index = RuleIndex::Build(rules, false);
    benchmark::DoNotOptimize(index);
  }
}
BENCHMARK(BM_BuildIndex)->Arg(10)->Arg(100)->Arg(1000);

void BM_Candidates(benchmark::State& state) {
  const auto rules = MakeRules(static_cast<size_t>(state.range(0)));
  const auto images = MakeImages(1000);
  auto index = RuleIndex::Build(rules, false);
  if (!index.ok()) std::abort();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize((*index)->Candidates(images[i++ % images.size()]));
}
BENCHMARK(BM_Candidates)->Arg(10)->Arg(100)->Arg(1000);

void BM_BestMatch(benchmark::State& state) {
  const auto rules = MakeRules(static_cast<size_t>(state.range(0)));
  const auto images = MakeImages(1000);
  auto index = RuleIndex::Build(rules, false);
  if (!index.ok()) std::abort();
  size_t i = 0, matched_specific = 0;
  for (auto _ : state) {
    const config::Rule* best = (*index)->BestMatch(images[i++ % images.size()]);
    matched_specific += best != nullptr && best->index != 0;
    benchmark::DoNotOptimize(best);
  }
  state.counters["specific_share"] =
      static_cast<double>(matched_specific) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_BestMatch)->Arg(10)->Arg(100)->Arg(1000);

// Legacy `*pattern*` matching: no literal prefix, so every glob runs for every image.
void BM_BestMatchLegacyUnanchored(benchmark::State& state) {
  const auto rules = MakeRules(static_cast<size_t>(state.range(0)));
  const auto images = MakeImages(1000);
  auto index = RuleIndex::Build(rules, true);
  if (!index.ok()) std::abort();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize((*index)->BestMatch(images[i++ % images.size()]));
}
BENCHMARK(BM_BestMatchLegacyUnanchored)->Arg(10)->Arg(100)->Arg(1000);

// What Candidates would cost without the prefix trie: every anchored glob on every image.
void BM_ScanAllGlobs(benchmark::State& state) {
  const auto rules = MakeRules(static_cast<size_t>(state.range(0)));
  const auto images = MakeImages(1000);
  std::vector<Glob> globs;
  Glob::Options options;
  options.implicit_tag = true;
  for (const auto& r : rules) {
    auto g = Glob::Compile(r.pattern, options);
    if (!g.ok()) std::abort();
    globs.push_back(std::move(g).value());
  }
  size_t i = 0;
  for (auto _ : state) {
    const std::string& text = images[i++ % images.size()].normalized();
    size_t n = 0;
    for (const Glob& g : globs) n += g.Match(text);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_ScanAllGlobs)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace connaisseur::matching

BENCHMARK_MAIN();
