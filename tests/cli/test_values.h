// Values files and scripts shared by the CLI end-to-end tests.
#pragma once

#include <string>

namespace connaisseur::cli::testing {

// The `allow` and `deny` static validators, opening a values file; a policy (or more validators)
// follows.
inline const std::string kStaticValidators = R"(application:
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
)";

// Static validators only, so every verdict is decided offline:
//   registry.k8s.io/*  and docker.io/library/* → allow;  docker.io/library/bad* → deny;
//   anything else (e.g. quay.io/...) has no rule.
inline const std::string kStaticValues = kStaticValidators + R"(  policy:
    - pattern: "registry.k8s.io/*"
      validator: allow
    - pattern: "docker.io/library/*"
      validator: allow
    - pattern: "docker.io/library/bad*"
      validator: deny
)";

inline constexpr char kDigest[] =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

}  // namespace connaisseur::cli::testing
