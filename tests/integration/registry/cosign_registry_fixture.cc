#include "tests/integration/registry/cosign_registry_fixture.h"

#include "runtime/net/http_client.h"
#include "tests/integration/registry/test_image.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::testing {

std::unique_ptr<RegistryProcess> CosignRegistryFixture::registry_;

void CosignRegistryFixture::SetUpTestSuite() {
  if (!RegistryProcess::Available()) return;
  net::GlobalInit();
  auto r = RegistryProcess::Start(RegistryProcess::Mode::kPlain);
  ASSERT_THAT(r, IsOk());
  registry_ = std::move(r).value();
}

void CosignRegistryFixture::TearDownTestSuite() { registry_.reset(); }

void CosignRegistryFixture::SetUp() {
  if (!RegistryProcess::Available()) GTEST_SKIP() << "docker-registry is not installed";
  ASSERT_NE(registry_, nullptr) << "the suite's registry did not start";
  registry::RegistryOptions options;
  options.plain_http = true;
  auto c = registry::RegistryClient::Create(options);
  ASSERT_THAT(c, IsOk());
  client_ = std::move(c).value();
}

crypto::PrivateKey CosignRegistryFixture::NewKey() {
  auto k = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  EXPECT_THAT(k, IsOk());
  return std::move(k).value();
}

image::ImageReference CosignRegistryFixture::Ref(const std::string& text) {
  auto r = image::ImageReference::Parse(text);
  EXPECT_THAT(r, IsOk()) << text;
  return std::move(r).value();
}

cosign::CosignValidator::Options CosignRegistryFixture::PlainHttp() {
  cosign::CosignValidator::Options options;
  options.plain_http = true;
  return options;
}

std::string CosignRegistryFixture::PushImage(const std::string& repo, const std::string& tag,
                                             const std::string& seed) {
  auto digest = PushTestImage(*client_, host(), repo, tag, Soon(), seed);
  EXPECT_THAT(digest, IsOk()) << repo << ":" << tag;
  return digest.ok() ? *digest : "";
}

CosignValues CosignRegistryFixture::KeyValues(const std::string& validator,
                                              const NamedKeys& roots) const {
  CosignValues values{.host = host(), .validator = validator};
  for (const auto& [name, key] : roots) {
    values.more_trust_roots.emplace_back(name, KeyTrustRoot(key->PublicPem()));
  }
  return values;
}

CosignValues CosignRegistryFixture::DefaultKeyValues(const std::string& validator,
                                                     const std::string& key) const {
  return CosignValues{.host = host(), .trust_root = KeyTrustRoot(key), .validator = validator};
}

StatusOr<std::unique_ptr<cosign::CosignValidator>> CosignRegistryFixture::LoadValidator(
    const CosignValues& values, cosign::CosignValidator::Options options) {
  CN_ASSIGN_OR_RETURN(config::Config config, config::LoadConfigText(values.Yaml(), "values.yaml"));
  for (const config::ValidatorConfig& validator : config.validators) {
    if (validator.name != values.validator) continue;
    if (!validator.unusable.empty()) return InvalidArgumentError(validator.unusable);
    return cosign::CosignValidator::Create(validator, std::move(options));
  }
  return NotFoundError("values.yaml has no validator " + values.validator);
}

std::unique_ptr<cosign::CosignValidator> CosignRegistryFixture::Validator(
    const CosignValues& values, cosign::CosignValidator::Options options) {
  auto v = LoadValidator(values, std::move(options));
  EXPECT_THAT(v, IsOk()) << values.Yaml();
  return v.ok() ? std::move(v).value() : nullptr;
}

std::unique_ptr<validators::ValidatorSet> CosignRegistryFixture::Verifier(
    const CosignValues& values, cosign::CosignValidator::Options options) {
  validators::ValidatorSet::ValidatorMap map;
  map.emplace(values.validator, Validator(values, std::move(options)));
  return std::make_unique<validators::ValidatorSet>(std::move(map),
                                                    validators::VerificationCache::Options{});
}

config::Rule CosignRegistryFixture::RuleFor(const std::string& validator,
                                            const std::string& pattern) {
  config::Rule rule;
  rule.pattern = pattern;
  rule.validator = validator;
  rule.with.verify_in_transparency_log = false;
  rule.with_json = {{"verifyInTransparencyLog", false}};
  return rule;
}

}  // namespace connaisseur::testing
