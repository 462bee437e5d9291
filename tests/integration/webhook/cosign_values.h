// The values file the cosign tests load: every image denied by a static validator `deny`,
// except the test registry's (`<host>/*:*`), which go to one cosign validator that trusts the
// test CA and its trust roots (`default`, then any more). The webhook end-to-end tests give it
// to `serve`; the registry tests load it as `serve` does (CosignRegistryFixture).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/config/config.h"

namespace connaisseur::testing {

struct CosignValues {
  std::string host;  // the registry's host:port
  // The keys of trust root `default`: KeyTrustRoot(...) or a keyless block; "" for no root
  // named `default` (then more_trust_roots holds them all).
  std::string trust_root;
  std::string validator = "cosign";
  std::string validator_extra;    // more keys of the validator (`host:`, `auth:`), as YAML
  std::string application_extra;  // more keys of `application:` (`features:`), as YAML
  bool transparency_log = false;  // the rule's `with.verifyInTransparencyLog`
  // More trust roots after `default`, in order: (name, keys as in trust_root).
  std::vector<std::pair<std::string, std::string>> more_trust_roots;

  std::string Yaml() const;
};

// `key:` of a trust root: a PEM as a block, anything else (awskms://...) as a scalar.
std::string KeyTrustRoot(const std::string& key);

// The validator's `host:` block: the PEM keys of `host` that are set.
std::string CosignHostYaml(const config::CosignHost& host);

}  // namespace connaisseur::testing
