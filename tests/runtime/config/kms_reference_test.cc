#include "runtime/config/kms_reference.h"

#include <gtest/gtest.h>

namespace connaisseur::config {
namespace {

TEST(KmsReferenceTest, KnowsTheFiveSchemesCosignKnows) {
  for (std::string_view key :
       {"awskms:///alias/cosign", "gcpkms://projects/p/locations/l", "hashivault://cosign",
        "azurekms://vault.example/key", "k8s://ns/secret"}) {
    EXPECT_TRUE(IsKmsReference(key)) << key;
  }
  for (std::string_view key : {"", "awskms:/alias", "-----BEGIN PUBLIC KEY-----", "AWSKMS:///a",
                               "https://kms.example", "file://key.pub"}) {
    EXPECT_FALSE(IsKmsReference(key)) << key;
  }
}

TEST(KmsReferenceTest, VerifiesAwsAndVaultOnly) {
  EXPECT_TRUE(IsVerifiedKmsReference("awskms:///alias/cosign"));
  EXPECT_TRUE(IsVerifiedKmsReference("hashivault://cosign"));
  EXPECT_FALSE(IsVerifiedKmsReference("gcpkms://projects/p"));
  EXPECT_FALSE(IsVerifiedKmsReference("azurekms://vault.example/key"));
  EXPECT_FALSE(IsVerifiedKmsReference("k8s://ns/secret"));
  EXPECT_FALSE(IsVerifiedKmsReference("-----BEGIN PUBLIC KEY-----"));
}

TEST(KmsReferenceTest, NamesTheSchemeForMessages) {
  EXPECT_EQ(KmsScheme("gcpkms://projects/p"), "gcpkms://");
  EXPECT_EQ(KmsScheme("k8s://ns/secret"), "k8s://");
  EXPECT_EQ(KmsScheme("-----BEGIN PUBLIC KEY-----"), "");
}

}  // namespace
}  // namespace connaisseur::config
