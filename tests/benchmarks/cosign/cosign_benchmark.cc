// Cosign verification figures: a full verification per image against the real docker-registry
// on loopback, cold (a new validator: new connections, nothing cached) and warm (one validator,
// kept-alive connections); and ECDSA P-256 signature-layer checks per second, to compare with
// `openssl speed ecdsap256`. Results are printed, never asserted.
#include <benchmark/benchmark.h>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/encoding.h"
#include "runtime/net/http_client.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/validators/cosign/keyless_fixture.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/cosign/keyless_verifier.h"
#include "validators/cosign/layer_verifier.h"
#include "validators/cosign/signer.h"
#include "validators/cosign/simple_signing.h"
#include "validators/validator_set.h"

namespace connaisseur::cosign {
namespace {

struct Fixture {
  std::unique_ptr<::connaisseur::testing::RegistryProcess> registry;
  std::optional<crypto::PrivateKey> key;
  config::ValidatorConfig config;
  std::string image;
};

Fixture* Setup() {
  // A function-local static: destroyed at exit, which stops the registry process.
  static std::unique_ptr<Fixture> fixture = [] {
    auto f = std::make_unique<Fixture>();
    net::GlobalInit();
    auto r = ::connaisseur::testing::RegistryProcess::Start(
        ::connaisseur::testing::RegistryProcess::Mode::kPlain);
    if (!r.ok()) return f;
    f->registry = std::move(r).value();
    f->key.emplace(crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256).value());
    registry::RegistryOptions options;
    options.plain_http = true;
    auto client = registry::RegistryClient::Create(options).value();
    const std::string host = f->registry->host();
    const std::string config = R"({"os":"linux"})";
    (void)client->PutBlob(host, "bench/app", config, Deadline::Infinite()).ok();
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        crypto::OciDigest(config) + R"(","size":)" + std::to_string(config.size()) +
        R"(},"layers":[]})";
    (void)client
        ->PutManifest(host, "bench/app", "v1", manifest,
                      "application/vnd.oci.image.manifest.v1+json", Deadline::Infinite())
        .ok();
    f->image = host + "/bench/app:v1";
    (void)SignImage(*client, image::ImageReference::Parse(f->image).value(), *f->key, {},
                    Deadline::Infinite())
        .ok();
    f->config.name = "bench";
    f->config.trust_roots = {{"default", f->key->PublicPem(), "", "", std::nullopt}};
    return f;
  }();
  return fixture.get();
}

config::RuleOptions Rule() {
  config::RuleOptions o;
  o.verify_in_transparency_log = false;
  return o;
}

void BM_VerifyCold(benchmark::State& state) {
  Fixture* f = Setup();
  if (!f->registry) return state.SkipWithError("docker-registry unavailable");
  auto ref = image::ImageReference::Parse(f->image).value();
  for (auto _ : state) {
    auto v = CosignValidator::Create(f->config, {true, "/nonexistent"}).value();
    auto r = v->Verify(ref, Rule(), Deadline::In(std::chrono::seconds(10)));
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
  }
}
BENCHMARK(BM_VerifyCold)->Unit(benchmark::kMillisecond);

void BM_VerifyWarm(benchmark::State& state) {
  Fixture* f = Setup();
  if (!f->registry) return state.SkipWithError("docker-registry unavailable");
  auto ref = image::ImageReference::Parse(f->image).value();
  auto v = CosignValidator::Create(f->config, {true, "/nonexistent"}).value();
  for (auto _ : state) {
    auto r = v->Verify(ref, Rule(), Deadline::In(std::chrono::seconds(10)));
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
  }
}
BENCHMARK(BM_VerifyWarm)->Unit(benchmark::kMillisecond);

// Through the validator set with its cache (the webhook's path): a tag still costs one manifest
// request (the cache is keyed by the digest it resolves to); a digest reference costs none.
void VerifyCached(benchmark::State& state, bool by_digest) {
  Fixture* f = Setup();
  if (!f->registry) return state.SkipWithError("docker-registry unavailable");
  validators::ValidatorSet::ValidatorMap map;
  map.emplace("bench", CosignValidator::Create(f->config, {true, "/nonexistent"}).value());
  validators::VerificationCache::Options cache;
  cache.ttl = std::chrono::seconds(300);
  validators::ValidatorSet set(std::move(map), cache);
  config::Rule rule;
  rule.validator = "bench";
  rule.with = Rule();
  rule.with_json = {{"verifyInTransparencyLog", false}};
  auto ref = image::ImageReference::Parse(f->image).value();
  auto first = set.Verify(rule, ref, Deadline::In(std::chrono::seconds(10)));
  if (!first.ok()) return state.SkipWithError(first.status().ToString().c_str());
  if (by_digest) ref = image::ImageReference::Parse(ref.name() + "@" + first->digest).value();
  for (auto _ : state) {
    auto r = set.Verify(rule, ref, Deadline::In(std::chrono::seconds(10)));
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
  }
}
void BM_VerifyCachedTag(benchmark::State& state) { VerifyCached(state, false); }
BENCHMARK(BM_VerifyCachedTag)->Unit(benchmark::kMicrosecond);
void BM_VerifyCachedDigest(benchmark::State& state) { VerifyCached(state, true); }
BENCHMARK(BM_VerifyCachedDigest)->Unit(benchmark::kMicrosecond);

void BM_SignatureLayerCheck(benchmark::State& state) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256).value();
  const std::string digest = crypto::OciDigest("image");
  SignedLayer layer;
  layer.payload = SimpleSigning{"r/x", digest, std::string(kSimpleSigningType), {}}.Serialize();
  layer.descriptor = {std::string(kSimpleSigningMediaType),
                      crypto::OciDigest(layer.payload),
                      static_cast<int64_t>(layer.payload.size()),
                      {}};
  layer.descriptor.annotations[std::string(kSignatureAnnotation)] =
      crypto::Base64Encode(key.Sign(layer.payload, crypto::SignatureScheme::kEcdsaDer).value());
  auto pub = key.Public().value();
  for (auto _ : state) {
    Status s = VerifyLayer(layer, pub, digest, TlogPolicy{false, nullptr});
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignatureLayerCheck);

// One keyless layer, every check: signature, payload, Rekor SET and entry, the Fulcio chain at
// integratedTime, the embedded SCT and the identity (an RE2 subject regex).
void BM_KeylessLayerCheck(benchmark::State& state) {
  auto fixture = testing::KeylessFixture::Create().value();
  auto leaf = fixture.IssueLeaf({}).value();
  const std::string digest = crypto::OciDigest("image");
  const SignedLayer layer = fixture.SignLayer(digest, leaf, {}).value();
  config::Keyless identity;
  identity.issuer = "https://accounts.example.com";
  identity.subject_regex = R"(.*@example\.com)";
  auto verifier = KeylessVerifier::Create(identity, fixture.Host()).value();
  auto rekor = crypto::PublicKey::FromPem(fixture.RekorPublicPem()).value();
  const KeylessChecks checks{true, true, &rekor};
  for (auto _ : state) {
    Status s = verifier->VerifyLayer(layer, digest, checks);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeylessLayerCheck);

}  // namespace
}  // namespace connaisseur::cosign

BENCHMARK_MAIN();
