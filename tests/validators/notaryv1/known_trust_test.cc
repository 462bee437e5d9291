// Starting a chain from what was verified earlier (VerifyTrustChainFromRoot, KnownTrust): only
// the timestamp is downloaded while it pins the verified files (which are verified again); a new
// publication, a rotated or a re-signed root goes through fresh downloads and the full
// pinned-key checks again.
#include "validators/notaryv1/known_trust.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/validators/notaryv1/notary_fixture.h"
#include "validators/notaryv1/trust_chain.h"

namespace connaisseur::notaryv1 {
namespace {

RoleFetcher FetchFrom(const std::map<std::string, std::string>& files) {
  return [files](const std::string& role, size_t) -> StatusOr<std::string> {
    auto it = files.find(role);
    if (it == files.end()) return NotFoundError("404");
    return it->second;
  };
}

TrustedRoot Known(const std::string& raw) {
  auto root = ParseRoot(raw);
  EXPECT_THAT(root, IsOk());
  return TrustedRoot{raw, root.ok() ? *root : RootRole{}};
}

TEST(VerifyTrustChainFromRootTest, AcceptsTheChainOnlyWhileTheSnapshotPinsTheKnownRoot) {
  TufRepo repo;
  repo.Sign("targets", "v1", kDigest);
  const auto files = repo.Publish();
  const SystemTime now = std::chrono::system_clock::now();

  auto verified = VerifyTrustChainFromRoot(FetchFrom(files), Known(files.at("root")), {}, now);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->root_raw, files.at("root"));
  EXPECT_EQ(verified->searched, std::vector<std::string>{"targets"});

  TufRepo older = repo;
  older.root["version"] = 0;  // same keys, other bytes than the snapshot pins
  TufRepo stranger;           // another repository's root: other timestamp and snapshot keys
  TufRepo expired = repo;
  expired.root["expires"] = "2001-02-03T04:05:06Z";
  struct Case {
    std::string name;
    std::string known_raw;
    SystemTime now;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"known root expired by now", expired.Publish().at("root"), now, "root trust data expired"},
      {"snapshot pins other root bytes", older.Publish().at("root"), now,
       "error validating root checksums"},
      {"known root assigns other keys", stranger.Publish().at("root"), now,
       "error validating timestamp signatures"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(VerifyTrustChainFromRoot(FetchFrom(files), Known(c.known_raw), {}, c.now),
                StatusIs(StatusCode::kVerificationFailed, HasSubstr(c.message)))
        << c.name;
  }
}

std::shared_ptr<const KnownTrust> KnownOfSize(size_t bytes) {
  return std::make_shared<const KnownTrust>(
      KnownTrust{TrustedRoot{}, {{"targets", std::string(bytes, 'x')}}});
}

TEST(KnownTrustStoreTest, KeepsWithinItsByteBoundAndReplacesByKey) {
  KnownTrustStore store;
  const size_t quarter = KnownTrustStore::kMaxBytes / 4;
  for (const char* key : {"a", "b", "c"}) store.Put(key, KnownOfSize(quarter));
  for (const char* key : {"a", "b", "c"}) EXPECT_NE(store.Get(key), nullptr) << key;

  store.Put("b", KnownOfSize(10));  // replacing frees b's bytes: d fits beside a and c
  store.Put("d", KnownOfSize(quarter));
  for (const char* key : {"a", "b", "c", "d"}) EXPECT_NE(store.Get(key), nullptr) << key;

  store.Put("e", KnownOfSize(2 * quarter));  // needs room: older entries go
  EXPECT_NE(store.Get("e"), nullptr);
  int kept = 0;
  for (const char* key : {"a", "b", "c", "d"}) kept += store.Get(key) != nullptr;
  EXPECT_LT(kept, 4) << "something was evicted";

  store.Put("huge", KnownOfSize(KnownTrustStore::kMaxBytes + 1));
  EXPECT_EQ(store.Get("huge"), nullptr) << "larger than the bound alone";
  EXPECT_NE(store.Get("e"), nullptr) << "and it evicted nothing";
}

TEST_F(NotaryV1ValidatorTest, DownloadsOnlyTheTimestampWhileItPinsTheVerifiedFiles) {
  Publish();
  auto validator = Validator(Config(), {.cache_ttl = std::chrono::milliseconds(0)});
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk());
  ASSERT_EQ(server_->requests(), 4u) << "root, timestamp, snapshot, targets";
  auto again = Verify(*validator, Ref(":v1"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->digest, kDigest);
  EXPECT_EQ(server_->requests(), 5u) << "the timestamp alone";

  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const char* role : {"root", "snapshot", "targets"}) {
      files_.erase("/v2/" + std::string(kGun) + "/_trust/tuf/" + role + ".json");
    }
  }
  EXPECT_THAT(Verify(*validator, Ref(":v1")), IsOk()) << "only the timestamp is read";
  EXPECT_THAT(Verify(Ref(":v1")),
              StatusIs(StatusCode::kNotFound, HasSubstr("no trust data for image")))
      << "a validator that knows nothing still needs every file";
}

TEST_F(NotaryV1ValidatorTest, DownloadsEverythingAgainAfterANewPublication) {
  Publish();
  auto validator = Validator(Config(), {.cache_ttl = std::chrono::milliseconds(0)});
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk());
  repo_.Sign("targets", "v2", kOtherDigest);
  repo_.BumpVersions();
  Publish();
  size_t before = server_->requests();
  auto v2 = Verify(*validator, Ref(":v2"));
  ASSERT_THAT(v2, IsOk()) << "the new tag is seen at once";
  EXPECT_EQ(v2->digest, kOtherDigest);
  EXPECT_EQ(server_->requests() - before, 5u) << "the timestamp, then all four files";
  before = server_->requests();
  ASSERT_THAT(Verify(*validator, Ref(":v2")), IsOk());
  EXPECT_EQ(server_->requests() - before, 1u) << "the new files are the known ones";
}

TEST_F(NotaryV1ValidatorTest, ChecksARotatedRootAgainstTheTrustRootsAgain) {
  Publish();
  auto validator = Validator(Config(), {.cache_ttl = std::chrono::milliseconds(0)});
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk());

  // A new root version with a new timestamp key, signed by the pinned root key: accepted, and
  // known from then on.
  repo_.BumpVersions();
  TestKey new_timestamp = NewKey();
  repo_.root["keys"][new_timestamp.id] = {
      {"keytype", new_timestamp.keytype},
      {"keyval", {{"public", new_timestamp.public_b64}, {"private", nullptr}}}};
  repo_.root["roles"]["timestamp"]["keyids"] = {new_timestamp.id};
  repo_.signers["timestamp"] = {new_timestamp};
  Publish();
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk()) << "rotation signed by the trust root";
  const size_t before = server_->requests();
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk());
  EXPECT_EQ(server_->requests() - before, 1u) << "the rotated root is now the known one";

  // The next root is signed by a stranger: the known root must not vouch for it.
  repo_.BumpVersions();
  repo_.signers["root"] = {NewKey()};
  Publish();
  EXPECT_THAT(
      Verify(*validator, Ref(":v1")),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("error validating root signature")));
}

}  // namespace
}  // namespace connaisseur::notaryv1
