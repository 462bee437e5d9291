// The keyless tampering cases, one per check: each turns one property of a keyless signature
// wrong (the certificate, or how it is logged) and names the message its denial must carry. The
// same table runs against every keyless form: `.sig` layers, sigstore bundles, attestations.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/config/config.h"
#include "tests/validators/cosign/keyless_fixture.h"

namespace connaisseur::cosign::testing {

config::Keyless Identity(std::string subject = "alice@example.com",
                         std::string issuer = "https://accounts.example.com");
config::Keyless RegexIdentity(std::string subject_regex, std::string issuer_regex);

struct TamperCase {
  std::string name;
  LeafOptions leaf;
  // Changes the layer options; `fixture` issues other certificates, `leaf` is the signing one.
  std::function<void(LayerOptions&, const KeylessFixture& fixture, const Leaf& leaf)> layer;
  config::Keyless identity;
  std::string message;
  friend void PrintTo(const TamperCase& c, std::ostream* os) { *os << c.name; }
};

std::vector<TamperCase> KeylessTamperCases();

}  // namespace connaisseur::cosign::testing
