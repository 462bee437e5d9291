#include "validators/validator_factory.h"

#include <string>

#include "runtime/kubernetes/pull_secret_keychain.h"
#include "validators/cosign/cosign_validator.h"
#include "validators/notaryv1/notaryv1_validator.h"
#include "validators/static/static_validator.h"
#include "validators/unavailable_validator.h"

namespace connaisseur::validators {
namespace {

template <typename T>
StatusOr<std::unique_ptr<Validator>> Upcast(StatusOr<std::unique_ptr<T>> built) {
  if (!built.ok()) return built.status();
  return std::unique_ptr<Validator>(std::move(built).value());
}

StatusOr<std::unique_ptr<Validator>> Build(const config::ValidatorConfig& config) {
  switch (config.type) {
    case config::ValidatorType::kStatic:
      return std::unique_ptr<Validator>(std::make_unique<StaticValidator>(config.approve));
    case config::ValidatorType::kNotaryV1:
      return Upcast(notaryv1::NotaryV1Validator::Create(config));
    case config::ValidatorType::kCosign: {
      cosign::CosignValidator::Options options;
      if (config.auth.use_keychain) {
        auto keychain = kubernetes::InClusterKeychain();
        if (keychain.ok()) {
          options.keychain = std::move(keychain).value();
        } else {
          options.keychain_error = keychain.status();  // denies at request time, names the cause
        }
      }
      return Upcast(cosign::CosignValidator::Create(config, std::move(options)));
    }
    case config::ValidatorType::kNotation:
      return InvalidArgumentError("notation validation is not available in this build yet");
    case config::ValidatorType::kNotaryV2:
      return InvalidArgumentError("notaryv2 is a stub that verifies nothing");
  }
  return InternalError("unknown validator type");
}

}  // namespace

std::unique_ptr<Validator> CreateValidator(const config::ValidatorConfig& config,
                                           std::string* failure) {
  std::string reason = config.unusable;
  if (reason.empty()) {
    auto built = Build(config);
    if (built.ok()) return std::move(built).value();
    // Validators' own messages usually name the validator already; make sure the deny does.
    const std::string prefix = "validator \"" + config.name + "\"";
    reason = built.status().message();
    if (reason.find(prefix) == std::string::npos) reason = prefix + ": " + reason;
    if (failure != nullptr) *failure = reason;
  }
  return std::make_unique<UnavailableValidator>(config.type, std::move(reason));
}

}  // namespace connaisseur::validators
