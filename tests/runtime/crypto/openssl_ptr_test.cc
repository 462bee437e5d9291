// openssl_ptr.h: the owners of OpenSSL handles and bytes, and the rule that nothing else in the
// tree frees OpenSSL memory by hand.
#include "runtime/crypto/openssl_ptr.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/crypto/private_key.h"
#include "tests/testing/source_dirs.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::crypto {
namespace {

TEST(OpenSslPtrTest, EncodeSecretDerWritesTheSameDerAsEncodeDer) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(key, nullptr);
  const std::string secret = EncodeSecretDer(i2d_PrivateKey, key.get());
  EXPECT_FALSE(secret.empty());
  EXPECT_EQ(secret, EncodeDer(i2d_PrivateKey, key.get()));
}

TEST(OpenSslPtrTest, PrivateKeyDerReadsBackAsTheSameKey) {
  auto key = PrivateKey::Generate(KeyType::kEd25519);
  ASSERT_THAT(key, IsOk());
  auto again = PrivateKey::FromPkcs8Der(key->PrivatePkcs8Der());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->PublicPem(), key->PublicPem());
}

// OPENSSL_free and OPENSSL_clear_free are named only by the owners in openssl_ptr.h, so every
// byte OpenSSL hands out is released on every path (and secrets are wiped) without a reviewer
// checking each call site.
TEST(OpenSslPtrTest, NoOtherProductSourceFreesOpenSslMemoryByHand) {
  namespace fs = std::filesystem;
  const fs::path root = testing::SourceDir();
  std::vector<std::string> offenders;
  for (const char* dir : {"runtime", "validators", "stdlib"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const fs::path& p = entry.path();
      if (p.extension() != ".cc" && p.extension() != ".h") continue;
      if (p == root / "runtime/crypto/openssl_ptr.h") continue;
      std::ifstream in(p);
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find("OPENSSL_free") != std::string::npos ||
          text.str().find("OPENSSL_clear_free") != std::string::npos) {
        offenders.push_back(fs::relative(p, root).string());
      }
    }
  }
  EXPECT_THAT(offenders, ::testing::IsEmpty());
}

}  // namespace
}  // namespace connaisseur::crypto
