// End-to-end: a cosign validator with `auth.useKeychain` (v3.10) or `k8sKeychain` (v3.3.4) loads
// everywhere; off-cluster `lint` warns that its images are pulled anonymously there, naming the
// file and path, and still exits 0.
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

std::string Values(const std::string& auth_key) {
  return R"(application:
  validators:
    - name: private
      type: cosign
      auth:
        )" +
         auth_key + R"(: true
      trustRoots:
        - name: default
          key: |
)" + kKey +
         R"(  policy:
    - pattern: "registry.example.com/*"
      validator: private
      with:
        verifyInTransparencyLog: false
)";
}

TEST(KeychainLintTest, WarnsThatOffClusterPullsAreAnonymous) {
  for (const std::string auth_key : {"useKeychain", "k8sKeychain"}) {
    TempDir dir;
    const std::string values = dir.Write("values.yaml", Values(auth_key));
    const RunResult r = RunConnaisseur({"lint", "--config", values});
    EXPECT_EQ(r.exit_code, 0) << auth_key << "\n" << r.out << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr("application.validators[0].auth"));
    EXPECT_THAT(r.out + r.err, HasSubstr("image pull secrets of each Pod"));
    EXPECT_THAT(r.out + r.err, HasSubstr("off-cluster (check, lint, test) images are pulled "
                                         "anonymously"));
  }
}

}  // namespace
}  // namespace connaisseur::cli::testing
