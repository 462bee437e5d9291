// Attestation: one in-toto statement about an image whose DSSE signature a validator verified
// under the rule's trust roots and whose subject names the image's digest. Only such statements
// are ever handed to a policy (`connaisseur.verify(...).attestations`, docs/policy-lua.md);
// anything that failed a check is reported as a reason, never as an attestation.
#pragma once

#include <string>

namespace connaisseur::verification {

struct Attestation {
  // The statement's predicateType, e.g. "https://slsa.dev/provenance/v1".
  std::string predicate_type;
  // The statement's predicate as compact JSON text (an object, or null when absent).
  std::string predicate_json;
  // The trust root whose key verified the envelope.
  std::string signed_by;
  // Where it was found: "sha256-<hex>.att" or "bundle sha256:<referrer manifest digest>".
  std::string source;
  bool operator==(const Attestation&) const = default;
};

}  // namespace connaisseur::verification
