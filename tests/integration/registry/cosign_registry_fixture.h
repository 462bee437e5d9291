// CosignRegistryFixture: what every cosign test against the real docker-registry starts from. A
// suite shares one plain-HTTP registry on loopback (started before its first test, stopped after
// its last; every test is skipped when docker-registry is not installed); each test gets a
// client for it, pushes its images with PushImage, and builds its cosign validators from a
// values file (CosignValues) loaded as `serve` loads it, so the registry tests exercise the
// values path too.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/crypto/private_key.h"
#include "runtime/deadline.h"
#include "runtime/image/image_reference.h"
#include "runtime/registry/registry_client.h"
#include "runtime/status.h"
#include "tests/integration/registry/registry_process.h"
#include "tests/integration/webhook/cosign_values.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/validator_set.h"

namespace connaisseur::testing {

class CosignRegistryFixture : public ::testing::Test {
 public:
  // Trust roots by name, each the public key of a key the test holds (not owned).
  using NamedKeys = std::vector<std::pair<std::string, const crypto::PrivateKey*>>;

  static void SetUpTestSuite();
  static void TearDownTestSuite();

  static Deadline Soon() { return Deadline::In(std::chrono::seconds(20)); }
  static crypto::PrivateKey NewKey();  // ECDSA P-256
  static image::ImageReference Ref(const std::string& text);
  // What the registry tests give every validator: plain HTTP to the test registry.
  static cosign::CosignValidator::Options PlainHttp();

 protected:
  void SetUp() override;

  std::string host() const { return registry_->host(); }

  // Pushes a one-layer image (PushTestImage) as `repo:tag`, its bytes made from `seed` (default:
  // the repository); returns its digest, "" after a failed expectation.
  std::string PushImage(const std::string& repo, const std::string& tag = "v1",
                        const std::string& seed = "");

  // Values whose cosign validator `validator` trusts each key under its name (no `default`
  // unless named), with the registry as the policy's host.
  CosignValues KeyValues(const std::string& validator, const NamedKeys& roots) const;
  // Values whose cosign validator `validator` has the one trust root `default` with `key` (a
  // PEM or a KMS reference).
  CosignValues DefaultKeyValues(const std::string& validator, const std::string& key) const;

  // The cosign validator of `values` (`values.validator`), as `serve` would build it.
  static StatusOr<std::unique_ptr<cosign::CosignValidator>> LoadValidator(
      const CosignValues& values, cosign::CosignValidator::Options options);
  // LoadValidator, expected to succeed (null after a failed expectation).
  static std::unique_ptr<cosign::CosignValidator> Validator(
      const CosignValues& values, cosign::CosignValidator::Options options = PlainHttp());
  // The webhook's verifier: a validator set holding only the validator of `values`, default
  // cache options.
  static std::unique_ptr<validators::ValidatorSet> Verifier(
      const CosignValues& values, cosign::CosignValidator::Options options = PlainHttp());
  // A rule sending `pattern` to `validator` without the transparency log.
  static config::Rule RuleFor(const std::string& validator, const std::string& pattern);

  static std::unique_ptr<RegistryProcess> registry_;  // the suite's; null when not installed
  std::unique_ptr<registry::RegistryClient> client_;
};

}  // namespace connaisseur::testing
