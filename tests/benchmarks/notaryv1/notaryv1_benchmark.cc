// notaryv1 verification cost against the local notary-server: cold (fetch + full chain, no
// cache) and warm (verified trust data cached), next to the pure signature checks a cold
// verification performs (root ecdsa, timestamp ed25519, snapshot and targets ecdsa). Not a test:
// run by hand, figures go to BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include <cstdio>

#include "runtime/crypto/private_key.h"
#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_server.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::notaryv1::bench {

using connaisseur::testing::NotaryServer;
using connaisseur::testing::TestCa;

constexpr char kGun[] = "registry.example.com/bench/app";

struct Setup {
  std::unique_ptr<NotaryServer> server;
  config::ValidatorConfig config;
  std::optional<image::ImageReference> image;
};

std::unique_ptr<Setup>& SetupSlot() {
  static std::unique_ptr<Setup> slot;
  return slot;
}

// Starts notary-server and publishes once; main() destroys it (stopping the server by PID).
Setup* GetSetup() {
  static Setup* setup = [] {
    SetupSlot() = std::make_unique<Setup>();
    Setup* s = SetupSlot().get();
    net::GlobalInit();
    const TestCa* ca = TestCa::Shared();
    if (ca == nullptr || !NotaryServer::Available()) return s;
    auto server = NotaryServer::Start(*ca);
    if (!server.ok() || !(*server)->InitAndSign(kGun, "v1", "bench manifest").ok()) return s;
    auto pem = (*server)->RootPublicKeyPem(kGun);
    if (!pem.ok()) return s;
    s->config.name = "bench";
    s->config.type = config::ValidatorType::kNotaryV1;
    s->config.host = (*server)->url();
    s->config.cert = ca->ca_cert_pem();
    s->config.trust_roots = {{"default", *pem}};
    s->image = *image::ImageReference::Parse(std::string(kGun) + ":v1");
    s->server = std::move(server).value();
    return s;
  }();
  return setup;
}

void Verify(benchmark::State& state, std::chrono::milliseconds ttl) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  auto validator = NotaryV1Validator::Create(s->config, {.cache_ttl = ttl});
  if (!validator.ok()) {
    state.SkipWithError(validator.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto result = (*validator)->Verify(*s->image, {}, Deadline::In(std::chrono::seconds(20)));
    if (!result.ok()) state.SkipWithError(result.status().ToString().c_str());
    benchmark::DoNotOptimize(result);
  }
}

void BM_ColdVerification(benchmark::State& state) { Verify(state, std::chrono::milliseconds(0)); }
void BM_WarmVerification(benchmark::State& state) { Verify(state, std::chrono::hours(1)); }

void SignatureCheck(benchmark::State& state, crypto::KeyType type, crypto::SignatureScheme scheme) {
  auto key = crypto::PrivateKey::Generate(type);
  auto pub = key->Public();
  std::string message(700, 'm');  // about the size of a canonical snapshot
  auto sig = key->Sign(message, scheme);
  for (auto _ : state) benchmark::DoNotOptimize(pub->Verify(message, *sig, scheme));
}
void BM_EcdsaP256Verify(benchmark::State& state) {
  SignatureCheck(state, crypto::KeyType::kEcdsaP256, crypto::SignatureScheme::kEcdsaRaw);
}
void BM_Ed25519Verify(benchmark::State& state) {
  SignatureCheck(state, crypto::KeyType::kEd25519, crypto::SignatureScheme::kEd25519);
}

BENCHMARK(BM_ColdVerification)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WarmVerification)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EcdsaP256Verify)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Ed25519Verify)->Unit(benchmark::kMicrosecond);

}  // namespace connaisseur::notaryv1::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  connaisseur::notaryv1::bench::SetupSlot().reset();
  benchmark::Shutdown();
  return 0;
}
