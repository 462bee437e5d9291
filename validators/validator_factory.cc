#include "validators/validator_factory.h"

#include <string>

#include "validators/cosign/cosign_validator.h"
#include "validators/notaryv1/notaryv1_validator.h"
#include "validators/static/static_validator.h"
#include "validators/unavailable_validator.h"

namespace connaisseur::validators {

StatusOr<std::unique_ptr<Validator>> CreateValidator(const config::ValidatorConfig& config) {
  switch (config.type) {
    case config::ValidatorType::kStatic:
      return std::unique_ptr<Validator>(std::make_unique<StaticValidator>(config.approve));
    case config::ValidatorType::kNotaryV1: {
      auto notary = notaryv1::NotaryV1Validator::Create(config);
      if (!notary.ok()) return notary.status();
      return std::unique_ptr<Validator>(std::move(notary).value());
    }
    case config::ValidatorType::kCosign: {
      auto cosign = cosign::CosignValidator::Create(config);
      if (!cosign.ok()) return cosign.status();
      return std::unique_ptr<Validator>(std::move(cosign).value());
    }
    case config::ValidatorType::kNotation:
      return std::unique_ptr<Validator>(std::make_unique<UnavailableValidator>(
          std::string(config::ValidatorTypeName(config.type))));
  }
  return InternalError("validator \"" + config.name + "\": unknown validator type");
}

}  // namespace connaisseur::validators
