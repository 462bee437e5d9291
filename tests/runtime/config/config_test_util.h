// Small builders for configuration texts in tests: YAML flow style keeps each case on one line.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace connaisseur::config::testing {

// An ECDSA P-256 public key (Docker Hub's official root) as a double-quoted YAML scalar.
inline const std::string kKey =
    "\"-----BEGIN PUBLIC KEY-----\\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOXYta5TgdCwXTCnLU09W5T4M4r9f\\n"
    "QQrqJuADP6U7g5r9ICgPSmZuRHP/1AYUfOQW3baveKsT969EfELKj1lfCA==\\n"
    "-----END PUBLIC KEY-----\\n\"";

// A syntactically well-formed certificate block (the body is not a real certificate: the
// config only checks the armour).
inline const std::string kCert =
    "\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIUQ2VydA==\\n-----END CERTIFICATE-----\\n\"";

inline const std::string kAllow = "{name: allow, type: static, approve: true}";
inline const std::string kDeny = "{name: deny, type: static, approve: false}";
inline const std::string kNotary =
    "{name: dockerhub, type: notaryv1, trustRoots: [{name: default, key: " + kKey +
    "}, {name: sse, key: " + kKey + "}]}";
inline const std::string kCosign =
    "{name: cos, type: cosign, trustRoots: [{name: alice, key: " + kKey +
    "}, {name: bob, key: " + kKey + "}]}";

// A v3 document: `application: {validators: [...], policy: [...]}` plus `extra` lines under
// application (each "  key: value") and `top` lines at the top level.
inline std::string V3(const std::string& validators, const std::string& policy,
                      const std::string& extra = "", const std::string& top = "") {
  return "application:\n  validators: [" + validators + "]\n  policy: [" + policy + "]\n" + extra +
         top;
}

// The most common shape: allow + deny + dockerhub + cos, and the given policy.
inline std::string WithPolicy(const std::string& policy, const std::string& extra = "") {
  return V3(kAllow + ", " + kDeny + ", " + kNotary + ", " + kCosign, policy, extra);
}

// One rejected configuration: ConfigErrorTest (config_errors_test.cc) loads `yaml` and expects
// kInvalidArgument with `expected` in the message. Suites in other files instantiate it.
struct ErrorCase {
  std::string name;
  std::string yaml;
  std::string expected;
};

inline void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

}  // namespace connaisseur::config::testing
