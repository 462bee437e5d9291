// The values file the cosign end-to-end tests give `serve`: every image denied by a static
// validator `deny`, except the test registry's (`<host>/*:*`), which go to one cosign validator
// that trusts the test CA and the one trust root `default`.
#pragma once

#include <string>

namespace connaisseur::testing {

struct CosignValues {
  std::string host;        // the registry's host:port
  std::string trust_root;  // the keys of trust root `default`: KeyTrustRoot(...) or a keyless block
  std::string validator = "cosign";
  std::string validator_extra;    // more keys of the validator (`host:`, `auth:`), as YAML
  std::string application_extra;  // more keys of `application:` (`features:`), as YAML
  bool transparency_log = false;  // the rule's `with.verifyInTransparencyLog`

  std::string Yaml() const;
};

// `key:` of a trust root: a PEM as a block, anything else (awskms://...) as a scalar.
std::string KeyTrustRoot(const std::string& key);

}  // namespace connaisseur::testing
