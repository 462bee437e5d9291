// End-to-end: a cosign validator with `auth.useKeychain` (v3.10) or `k8s_keychain` (v2 layout)
// loads everywhere; off-cluster `lint` warns that its images are pulled anonymously there, naming
// the file and path, and still exits 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/binary_runner.h"

namespace connaisseur::cli::testing {
namespace {

using ::testing::HasSubstr;

// A P-256 public key, indented for the block scalar below.
constexpr char kKey[] =
    "            -----BEGIN PUBLIC KEY-----\n"
    "            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvtc/qpHtx7iUUj+rRHR99a8mnGni\n"
    "            qiGkmUb9YpWWTS4YwlvwdmMDiGzcsHiDOYz6f88u2hCRF5GUCvyiZAKrsA==\n"
    "            -----END PUBLIC KEY-----\n";

// v3.10's layout and spelling.
std::string V3Values() {
  return R"(application:
  validators:
    - name: private
      type: cosign
      auth:
        useKeychain: true
      trustRoots:
        - name: default
          key: |
)" + std::string(kKey) +
         R"(  policy:
    - pattern: "registry.example.com/*"
      validator: private
      with:
        verifyInTransparencyLog: false
)";
}

// v2's top-level layout and snake_case spelling (the chart of the Python releases).
std::string V2Values() {
  return R"(validators:
  - name: private
    type: cosign
    auth:
      k8s_keychain: true
    trust_roots:
      - name: default
        key: |
)" + std::string(kKey) +
         R"(policy:
  - pattern: "registry.example.com/*"
    validator: private
    with:
      verify_in_transparency_log: false
)";
}

TEST(KeychainLintTest, WarnsThatOffClusterPullsAreAnonymous) {
  for (const std::string& values_text : {V3Values(), V2Values()}) {
    TempDir dir;
    const std::string values = dir.Write("values.yaml", values_text);
    const RunResult r = RunConnaisseur({"lint", "--config", values});
    EXPECT_EQ(r.exit_code, 0) << values_text << "\n" << r.out << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr("validators[0].auth"));
    EXPECT_THAT(r.out + r.err, HasSubstr("image pull secrets of each Pod"));
    EXPECT_THAT(r.out + r.err, HasSubstr("off-cluster (check, lint, test) images are pulled "
                                         "anonymously"));
  }
}

}  // namespace
}  // namespace connaisseur::cli::testing
