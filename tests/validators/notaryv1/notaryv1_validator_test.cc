// NotaryV1Validator end to end against a loopback HTTPS server serving metadata signed by the
// test (TufRepo): the happy paths, every attack of issue 4 / docs/security.md with its own message,
// auth, and transport failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "runtime/crypto/encoding.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/net/test_https_server.h"
#include "tests/testing/case_name.h"
#include "tests/testing/status_matchers.h"
#include "tests/validators/notaryv1/notary_fixture.h"
#include "tests/validators/notaryv1/tuf_repo.h"

namespace connaisseur::notaryv1 {
namespace {

TEST_F(NotaryV1ValidatorTest, AllowsASignedTagWithItsDigest) {
  Publish();
  auto verified = Verify(Ref(":v1"));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, kDigest);
}

TEST_F(NotaryV1ValidatorTest, AllowsASignedDigestAndTagWithTheSameDigest) {
  Publish();
  for (const std::string& ref : {Ref("@" + kDigest), Ref(":v1@" + kDigest)}) {
    auto verified = Verify(ref);
    ASSERT_THAT(verified, IsOk()) << ref;
    EXPECT_EQ(verified->digest, kDigest) << ref;
  }
}

TEST_F(NotaryV1ValidatorTest, AcceptsRootKeysInCertificateForm) {
  TestKey cert_form = testing::X509Form(repo_.root_key);
  repo_.root["keys"].erase(repo_.root_key.id);
  repo_.root["keys"][cert_form.id] = {
      {"keytype", cert_form.keytype},
      {"keyval", {{"private", nullptr}, {"public", cert_form.public_b64}}}};
  repo_.root["roles"]["root"]["keyids"] = {cert_form.id};
  repo_.signers["root"] = {cert_form};
  Publish();
  auto verified = Verify(Ref(":v1"));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, kDigest);
}

struct DenyCase {
  std::string name;
  std::function<void(TufRepo&)> attack;
  std::string ref_suffix;
  std::string message;
  StatusCode code = StatusCode::kVerificationFailed;
  // What a failure prints for the parameter: its name, not its bytes.
  friend void PrintTo(const DenyCase& c, std::ostream* os) { *os << c.name; }
};

// Changes `role`'s signed bytes after signing.
std::function<void(TufRepo&)> Flip(const std::string& role) {
  return [role](TufRepo& r) {
    r.after_signing[role] = [](json& s) { s["version"] = s["version"].get<int>() + 100; };
  };
}

// Sets `role`'s expiry in the past (before signing, so the signature holds).
std::function<void(TufRepo&)> Expire(const std::string& role) {
  return [role](TufRepo& r) {
    json& doc = role == "root"        ? r.root
                : role == "targets"   ? r.targets
                : role == "snapshot"  ? r.snapshot
                : role == "timestamp" ? r.timestamp
                                      : r.delegations.at(role);
    doc["expires"] = "2001-02-03T04:05:06Z";
  };
}

// Every attack of docs/security.md on a notary's trust data, each denied with its own message.
std::vector<DenyCase> Attacks() {
  return {
      {"unsigned tag", [](TufRepo&) {}, ":v2", "no tag 'v2' found in targets",
       StatusCode::kNotFound},
      {"unsigned digest", [](TufRepo&) {}, "@" + kOtherDigest, "no digest '" + kOtherDigest,
       StatusCode::kNotFound},
      {"tag with other digest", [](TufRepo&) {}, ":v1@" + kOtherDigest,
       "doesn't match given digest " + kOtherDigest},
      {"root byte flipped", Flip("root"), ":v1", "error validating root signature"},
      {"timestamp byte flipped", Flip("timestamp"), ":v1", "error validating timestamp signatures"},
      {"snapshot byte flipped", Flip("snapshot"), ":v1", "error validating snapshot checksums"},
      {"targets byte flipped", Flip("targets"), ":v1", "error validating targets checksums"},
      {"root signed by another key", [](TufRepo& r) { r.signers["root"] = {NewKey()}; }, ":v1",
       "error validating root signature"},
      {"timestamp signed by the snapshot key",
       [](TufRepo& r) { r.signers["timestamp"] = {r.snapshot_key}; }, ":v1",
       "error validating timestamp signatures"},
      {"snapshot re-pinned but unsigned", [](TufRepo& r) { r.signers["snapshot"] = {}; }, ":v1",
       "error validating snapshot signatures"},
      {"targets signed by the root key", [](TufRepo& r) { r.signers["targets"] = {r.root_key}; },
       ":v1", "error validating targets signatures"},
      {"threshold 2 met by one key signing twice",
       [](TufRepo& r) {
         r.root["roles"]["targets"]["threshold"] = 2;
         r.signers["targets"] = {r.targets_key, r.targets_key};
       },
       ":v1", "error validating targets signatures: 1 of threshold 2"},
      {"threshold 0", [](TufRepo& r) { r.root["roles"]["timestamp"]["threshold"] = 0; }, ":v1",
       "invalid threshold 0"},
      {"root expired", Expire("root"), ":v1", "root trust data expired"},
      {"timestamp expired", Expire("timestamp"), ":v1", "timestamp trust data expired"},
      {"snapshot expired", Expire("snapshot"), ":v1", "snapshot trust data expired"},
      {"targets expired", Expire("targets"), ":v1", "targets trust data expired"},
      {"unparseable expiry", [](TufRepo& r) { r.targets["expires"] = "tomorrow"; }, ":v1",
       "error parsing trust data targets", StatusCode::kInvalidArgument},
      {"snapshot pins a wrong targets hash",
       [](TufRepo& r) {
         r.tamper_snapshot_meta = [](json& m) {
           m["targets"]["hashes"]["sha256"] = crypto::Base64Encode(std::string(32, 'x'));
         };
       },
       ":v1", "error validating targets checksums: sha256 mismatch"},
      {"snapshot pins a wrong targets length",
       [](TufRepo& r) { r.tamper_snapshot_meta = [](json& m) { m["targets"]["length"] = 5; }; },
       ":v1", "error validating targets checksums"},
      {"snapshot pins a wrong root sha512",
       [](TufRepo& r) {
         r.tamper_snapshot_meta = [](json& m) {
           m["root"]["hashes"]["sha512"] = crypto::Base64Encode(std::string(64, 'x'));
         };
       },
       ":v1", "error validating root checksums: sha512 mismatch"},
      {"snapshot pins a targets length past the metadata limit",
       [](TufRepo& r) {
         r.tamper_snapshot_meta = [](json& m) { m["targets"]["length"] = int64_t{1} << 40; };
       },
       ":v1", "error validating targets checksums: pinned length 1099511627776 exceeds"},
      {"snapshot without targets entry",
       [](TufRepo& r) { r.tamper_snapshot_meta = [](json& m) { m.erase("targets"); }; }, ":v1",
       "error validating targets checksums: not in snapshot"},
      {"timestamp pins a wrong snapshot length",
       [](TufRepo& r) { r.tamper_timestamp_meta = [](json& m) { m["snapshot"]["length"] = 7; }; },
       ":v1", "error validating snapshot checksums"},
      {"snapshot pins another targets version",
       [](TufRepo& r) { r.tamper_snapshot_meta = [](json& m) { m["targets"]["version"] = 9; }; },
       ":v1", "pinned version 9"},
      {"wrong _type", [](TufRepo& r) { r.targets["_type"] = "Snapshot"; }, ":v1",
       "wrong _type \"Snapshot\""},
      {"float in signed data",
       [](TufRepo& r) { r.after_signing["targets"] = [](json& s) { s["custom"] = 1.5; }; }, ":v1",
       "floating-point", StatusCode::kInvalidArgument},
  };
}

class NotaryV1AttackTest : public NotaryV1ValidatorTest,
                           public ::testing::WithParamInterface<DenyCase> {};

TEST_P(NotaryV1AttackTest, DeniesWithItsOwnMessage) {
  const DenyCase& c = GetParam();
  TufRepo repo;
  repo.Sign("targets", "v1", kDigest);
  c.attack(repo);
  repo_ = repo;  // the trust root in Config() is this repo's root key
  Serve(repo.Publish());
  EXPECT_THAT(Verify(Ref(c.ref_suffix)), StatusIs(c.code, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(Attacks, NotaryV1AttackTest, ::testing::ValuesIn(Attacks()),
                         ::connaisseur::testing::NameOfCase());

// The clock counts nanoseconds in 64 bits (up to 2262); a later expiry must read as "far in the
// future", not wrap round to the past and deny as expired.
TEST_F(NotaryV1ValidatorTest, AcceptsTrustDataExpiringAfterTheClockRange) {
  for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
    TufRepo repo;
    repo.Sign("targets", "v1", kDigest);
    json& doc = std::string(role) == "root"        ? repo.root
                : std::string(role) == "timestamp" ? repo.timestamp
                : std::string(role) == "snapshot"  ? repo.snapshot
                                                   : repo.targets;
    doc["expires"] = "2500-01-01T00:00:00Z";
    repo_ = repo;
    Serve(repo.Publish());
    auto verified = Verify(Ref(":v1"));
    ASSERT_THAT(verified, IsOk()) << role;
    EXPECT_EQ(verified->digest, kDigest) << role;
  }
}

TEST_F(NotaryV1ValidatorTest, DeniesRolesServedUnderAnotherName) {
  auto files = repo_.Publish();
  std::swap(files["timestamp"], files["snapshot"]);
  Serve(files);
  EXPECT_THAT(Verify(Ref(":v1")),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("wrong _type \"Snapshot\"")));
  files = repo_.Publish();
  files["root"] = files["targets"];
  Serve(files);
  EXPECT_THAT(Verify(Ref(":v1")),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("wrong _type \"Targets\"")));
}

// A replay of one role: a correctly signed chain whose roles above the replayed one are newer
// (v3) than the newest state (v2), so only the version memory can catch it.
struct ReplayCase {
  std::string name;                // the replayed role
  std::vector<std::string> newer;  // the roles above it, raised to version 3
  // What a failure prints for the parameter: its name, not its bytes.
  friend void PrintTo(const ReplayCase& c, std::ostream* os) { *os << c.name; }
};

class NotaryV1ReplayTest : public NotaryV1ValidatorTest,
                           public ::testing::WithParamInterface<ReplayCase> {};

TEST_P(NotaryV1ReplayTest, DeniesAReplayedOlderRole) {
  TufRepo replay = repo_;  // every role at version 1
  for (const std::string& role : GetParam().newer) {
    json& doc = role == "root"        ? replay.root
                : role == "timestamp" ? replay.timestamp
                                      : replay.snapshot;
    doc["version"] = 3;
  }
  repo_.BumpVersions();  // every role at version 2
  auto validator = Validator(Config(), NotaryV1Options{.cache_ttl = std::chrono::milliseconds(0)});
  const auto newest = repo_.Publish();
  Serve(newest);
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk());

  Serve(replay.Publish());
  EXPECT_THAT(Verify(*validator, Ref(":v1")),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("rollback detected for " + GetParam().name)));
  Serve(newest);
  EXPECT_THAT(Verify(*validator, Ref(":v1")), IsOk()) << "the newest state is still accepted";
}

INSTANTIATE_TEST_SUITE_P(Roles, NotaryV1ReplayTest,
                         ::testing::Values(ReplayCase{"timestamp", {"root"}},
                                           ReplayCase{"snapshot", {"root", "timestamp"}},
                                           ReplayCase{"targets",
                                                      {"root", "timestamp", "snapshot"}}),
                         ::connaisseur::testing::NameOfCase());

TEST_F(NotaryV1ValidatorTest, DeniesOtherContentUnderAVersionAlreadySeen) {
  auto validator = Validator(Config(), NotaryV1Options{.cache_ttl = std::chrono::milliseconds(0)});
  Publish();
  ASSERT_THAT(Verify(*validator, Ref(":v1")), IsOk());
  repo_.Sign("targets", "v1", kOtherDigest);  // same versions, new target
  Publish();
  EXPECT_THAT(
      Verify(*validator, Ref(":v1")),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("seen before with other content")));
}

// VerifiedImage::valid_until is the earliest `expires` of the roles that proved the digest, so
// no cache (fresh or staleIfError) answers with it once any of them has expired.
TEST_F(NotaryV1ValidatorTest, ValidUntilIsTheEarliestExpiryOfTheVerifiedRoles) {
  const std::map<std::string, std::string> earliest = {{"root", "2031-05-06T07:08:09Z"},
                                                       {"timestamp", "2031-05-06T07:08:09Z"},
                                                       {"snapshot", "2031-05-06T07:08:09Z"},
                                                       {"targets", "2031-05-06T07:08:09Z"}};
  const auto expected = ParseRfc3339("2031-05-06T07:08:09Z");
  ASSERT_THAT(expected, IsOk());
  for (const auto& [role, when] : earliest) {
    TufRepo repo;
    repo.Sign("targets", "v1", kDigest);
    for (json* doc : {&repo.root, &repo.timestamp, &repo.snapshot, &repo.targets}) {
      (*doc)["expires"] = "2040-01-01T00:00:00Z";
    }
    json& doc = role == "root"        ? repo.root
                : role == "timestamp" ? repo.timestamp
                : role == "snapshot"  ? repo.snapshot
                                      : repo.targets;
    doc["expires"] = when;
    repo_ = repo;
    Serve(repo.Publish());
    auto verified = Verify(Ref(":v1"));
    ASSERT_THAT(verified, IsOk()) << role;
    ASSERT_TRUE(verified->valid_until.has_value()) << role;
    EXPECT_EQ(*verified->valid_until, *expected) << role;
  }
}

}  // namespace
}  // namespace connaisseur::notaryv1
