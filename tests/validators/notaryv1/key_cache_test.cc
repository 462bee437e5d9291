// KeyCache: each TUF key is parsed once per key id and reused, never confused with another key,
// and never bypasses the key-id check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/private_key.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/key_set.h"

namespace connaisseur::notaryv1 {
namespace {

TufKey EcdsaTufKey() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcdsaP256);
  auto pub = key->Public();
  return TufKey{"ecdsa", crypto::Base64Encode(pub->spki_der())};
}

TEST(KeyCacheTest, ParsesEachKeyOnceAndKeepsKeysApart) {
  KeyCache cache;
  const TufKey a = EcdsaTufKey(), b = EcdsaTufKey();
  const std::string id_a = TufKeyId(a.keytype, a.public_b64);
  const std::string id_b = TufKeyId(b.keytype, b.public_b64);
  auto first = LoadKey(id_a, a, &cache);
  auto again = LoadKey(id_a, a, &cache);
  auto other = LoadKey(id_b, b, &cache);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(again, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(first->key.get(), again->key.get());  // the same parsed object: no second parse
  EXPECT_NE(first->key->spki_der(), other->key->spki_der());
  EXPECT_EQ(cache.Find(id_b).get(), other->key.get());
}

TEST(KeyCacheTest, StillRejectsAKeyListedUnderAnotherId) {
  KeyCache cache;
  const TufKey a = EcdsaTufKey(), b = EcdsaTufKey();
  const std::string id_a = TufKeyId(a.keytype, a.public_b64);
  ASSERT_THAT(LoadKey(id_a, a, &cache), IsOk());
  // b claims a's id while a's parsed key sits in the cache under that id.
  EXPECT_THAT(LoadKey(id_a, b, &cache),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("has id")));
}

}  // namespace
}  // namespace connaisseur::notaryv1
