// Tests that every configuration mistake is reported with its path and a grep-able message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/config/config.h"
#include "tests/runtime/config/config_test_util.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::config::testing {
namespace {

using ::testing::HasSubstr;

TEST_P(ConfigErrorTest, IsRejectedWithPathAndMessage) {
  const ErrorCase& c = GetParam();
  StatusOr<Config> config = LoadConfigText(c.yaml, "values.yaml");
  EXPECT_THAT(config, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.expected)))
      << c.name << "\n"
      << c.yaml;
}

const std::string kP = "{pattern: '*:*', validator: allow}";

std::vector<ErrorCase> ValidatorCases() {
  return {
      {"NoValidators", "application: {policy: [" + kP + "]}",
       "application.validators: Validators must contain at least 1 item"},
      {"EmptyValidators", V3("", kP), "Validators must contain at least 1 item"},
      {"ValidatorsNotAList", "application: {validators: {a: 1}, policy: [" + kP + "]}",
       "application.validators: expected a list, got a mapping"},
      {"ValidatorNotAMapping", V3("allow, " + kAllow, kP),
       "application.validators[0]: expected a mapping, got a string"},
      {"MissingName", V3("{type: static, approve: true}, " + kAllow, kP),
       "application.validators[0]: validator is missing a name"},
      {"EmptyName", V3("{name: '', type: static, approve: true}, " + kAllow, kP),
       "validator is missing a name"},
      {"MissingType", V3("{name: x}, " + kAllow, kP),
       "application.validators[0]: validator is missing a type"},
      {"UnknownType", V3("{name: x, type: foo}, " + kAllow, kP),
       "application.validators[0].type: unsupported type \"foo\" for validator \"x\""},
      {"NameWithSlash", V3("{name: a/b, type: static, approve: true}, " + kAllow, kP),
       "must not contain / or \\"},
      {"NameWithBackslash", V3("{name: 'a\\b', type: static, approve: true}, " + kAllow, kP),
       "must not contain / or \\"},
      {"StaticWithoutApprove", V3("{name: allow, type: static}", kP),
       "application.validators[0]: Approve is a required field"},
      {"StaticApproveYes", V3("{name: allow, type: static, approve: yes}", kP),
       "application.validators[0].approve: expected a bool (true or false), got a string"},
      {"NotaryHttpHost",
       V3(kAllow +
              ", {name: n, type: notaryv1, host: 'http://notary.local', trustRoots: [{name: "
              "default, key: " +
              kKey + "}]}",
          kP),
       "application.validators[1].host: plain http:// is not allowed"},
      {"NotaryRootWithoutKey",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default}]}", kP),
       "application.validators[1].trustRoots[0]: Key is a required field"},
      {"NotaryRootWithoutName",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{key: " + kKey + "}]}", kP),
       "application.validators[1].trustRoots[0]: Name is a required field"},
      {"BareBase64Key",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: "
                   "'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE'}]}",
          kP),
       "application.validators[1].trustRoots[0].key: is not PEM"},
      {"KeyWithTrailingText",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: \"-----BEGIN "
                   "PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\ngarbage\"}]}",
          kP),
       "contains extraneous characters"},
      {"TwoKeyBlocks",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: \"-----BEGIN "
                   "PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n-----BEGIN PUBLIC "
                   "KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n\"}]}",
          kP),
       "more than one PEM block"},
      {"CertificateAsKey",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: " + kCert + "}]}",
          kP),
       "found a different PEM block"},
      {"KeyWithoutEnd",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: \"-----BEGIN "
                   "PUBLIC KEY-----\\nAAAA\\n\"}]}",
          kP),
       "no -----END PUBLIC KEY----- line"},
      {"KeyBodyNotBase64",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: \"-----BEGIN "
                   "PUBLIC KEY-----\\nAA*A\\n-----END PUBLIC KEY-----\"}]}",
          kP),
       "PEM block body is not base64"},
      {"BadValidatorCert",
       V3(kAllow + ", {name: n, type: notaryv1, cert: nope, trustRoots: [{name: default, key: " +
              kKey + "}]}",
          kP),
       "application.validators[1].cert: is not PEM"},
      {"DuplicateTrustRoot",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: default, key: " + kKey +
              "}, {name: default, key: " + kKey + "}]}",
          kP),
       "application.validators[1].trustRoots[1].name: duplicate trust root name \"default\""},
      {"StarTrustRootName",
       V3(kAllow + ", {name: n, type: notaryv1, trustRoots: [{name: '*', key: " + kKey + "}]}", kP),
       "\"*\" is reserved"},
      {"CosignRootWithoutKey",
       V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: a}]}", kP),
       "application.validators[1].trustRoots[0]: Key must be set if [Cert Keyless] isn't"},
      {"CosignKeyAndKeyless",
       V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: a, key: " + kKey +
              ", keyless: {issuer: i, subject: s}}]}",
          kP),
       "only one of key, cert and keyless may be set"},
      {"CosignIssuerAndRegex",
       V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: a, keyless: {issuer: i, "
                   "issuerRegex: r, subject: s}}]}",
          kP),
       "application.validators[1].trustRoots[0].keyless: Issuer must not be set if IssuerRegex is"},
      {"CosignNoSubject",
       V3(kAllow + ", {name: c, type: cosign, trustRoots: [{name: a, keyless: {issuer: i}}]}", kP),
       "Subject must be set if SubjectRegex isn't"},
      {"CosignHostStringInV3",
       V3(kAllow + ", {name: c, type: cosign, host: rekor.example, trustRoots: [{name: a, key: " +
              kKey + "}]}",
          kP),
       "application.validators[1].host: expected a mapping, got a string"},
      {"CosignRekorScheme",
       V3(kAllow +
              ", {name: c, type: cosign, host: {rekor: 'ftp://r'}, trustRoots: [{name: a, "
              "key: " +
              kKey + "}]}",
          kP),
       "application.validators[1].host.rekor: scheme must be http or https"},
      {"CosignBadRekorPubkey",
       V3(kAllow +
              ", {name: c, type: cosign, host: {rekorPubkey: x}, trustRoots: [{name: a, "
              "key: " +
              kKey + "}]}",
          kP),
       "host.rekorPubkey: is not PEM"},
      {"AuthUserWithoutPassword",
       V3(kAllow + ", {name: c, type: cosign, auth: {username: u}, trustRoots: [{name: a, key: " +
              kKey + "}]}",
          kP),
       "application.validators[1].auth: username and password must be given together"},
      {"AuthMixedForms",
       V3(kAllow +
              ", {name: c, type: cosign, auth: {secretName: s, useKeychain: true}, "
              "trustRoots: [{name: a, key: " +
              kKey + "}]}",
          kP),
       "use only one of username/password, secretName and useKeychain"},
      {"NotationRootWithoutCert",
       V3(kAllow + ", {name: nt, type: notation, trustRoots: [{name: a}]}", kP),
       "no certificate provided for trust root a"},
      {"NotationBadTsCert",
       V3(kAllow + ", {name: nt, type: notation, trustRoots: [{name: a, cert: " + kCert +
              ", tsCert: x}]}",
          kP),
       "trustRoots[0].tsCert: is not PEM"},
  };
}

INSTANTIATE_TEST_SUITE_P(Validators, ConfigErrorTest, ::testing::ValuesIn(ValidatorCases()),
                         [](const auto& info) { return info.param.name; });

std::vector<ErrorCase> RuleCases() {
  return {
      {"NoPolicy", "application: {validators: [" + kAllow + "]}",
       "application.policy: Rules must contain at least 1 item"},
      {"EmptyPolicy", V3(kAllow, ""), "Rules must contain at least 1 item"},
      {"RuleNotAMapping", V3(kAllow, "'*:*'"),
       "application.policy[0]: expected a mapping, got a string"},
      {"MissingPattern", WithPolicy("{validator: allow}"),
       "application.policy[0]: Pattern is a required field"},
      {"EmptyPattern", WithPolicy("{pattern: '', validator: allow}"),
       "application.policy[0].pattern: Pattern must not be empty"},
      {"PatternWithSpace", WithPolicy("{pattern: 'docker.io/a b', validator: allow}"),
       "pattern contains whitespace"},
      {"PatternWithTab", WithPolicy("{pattern: \"docker.io/a\\tb\", validator: allow}"),
       "pattern contains control characters"},
      {"PatternTooLong", WithPolicy("{pattern: '" + std::string(513, 'a') + "', validator: allow}"),
       "pattern is longer than 512 bytes"},
      {"PatternNotAString", WithPolicy("{pattern: [a], validator: allow}"),
       "application.policy[0].pattern: expected a string, got a list"},
      {"EmptyRequired",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: '*', "
                  "required: []}}"),
       "application.policy[0].with.required: must contain at least 1 item"},
      {"DelegationNotString",
       WithPolicy("{pattern: '*:*', validator: dockerhub, with: {delegations: [1]}}"),
       "with.delegations[0]: expected a non-empty string, got an integer"},
      {"BadMode", WithPolicy("{pattern: '*:*', validator: dockerhub, with: {mode: validate}}"),
       "with.mode: Mode must be one of [mutate insecureValidateOnly], got \"validate\""},
      {"BadVerificationLevel",
       WithPolicy("{pattern: '*:*', validator: dockerhub, with: {verificationLevel: lax}}"),
       "VerificationLevel must be one of [strict permissive audit]"},
      {"BadVerifyTimestamp",
       WithPolicy("{pattern: '*:*', validator: dockerhub, with: {verifyTimestamp: never}}"),
       "VerifyTimestamp must be one of [always afterCertExpiry]"},
      {"ThresholdNotInt",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: '*', threshold: '2'}}"),
       "with.threshold: expected an integer, got a string"},
      {"NegativeThreshold",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: '*', threshold: -1}}"),
       "with.threshold: must be between 0 and 1000, got -1"},
      {"WithNotAMapping", WithPolicy("{pattern: '*:*', validator: dockerhub, with: sse}"),
       "application.policy[0].with: expected a mapping, got a string"},
      {"VerifyTlogNotBool",
       WithPolicy("{pattern: '*:*', validator: cos, with: {trustRoot: alice, "
                  "verifyInTransparencyLog: 'false'}}"),
       "with.verifyInTransparencyLog: expected a bool"},
  };
}

INSTANTIATE_TEST_SUITE_P(Rules, ConfigErrorTest, ::testing::ValuesIn(RuleCases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace connaisseur::config::testing
