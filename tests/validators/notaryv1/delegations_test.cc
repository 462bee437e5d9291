// Which targets roles the validator searches (docs/security.md "(3) The notary server")
// and how delegations are verified: declared, pinned, signed by their assigned keys, agreeing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/validators/notaryv1/notary_fixture.h"

namespace connaisseur::notaryv1 {
namespace {

config::RuleOptions With(std::vector<std::string> delegations, std::string trust_root = "") {
  config::RuleOptions o;
  o.delegations = std::move(delegations);
  o.trust_root = std::move(trust_root);
  return o;
}

class DelegationsTest : public NotaryV1ValidatorTest {
 protected:
  void SetUp() override {
    NotaryV1ValidatorTest::SetUp();
    repo_ = TufRepo();
    alice_ = NewKey();
    bob_ = NewKey();
    repo_.AddDelegation("targets/releases", {alice_});
    repo_.AddDelegation("targets/alice", {alice_});
    repo_.AddDelegation("targets/bob", {bob_});
  }
  TestKey alice_, bob_;
};

TEST_F(DelegationsTest, SearchesTheNamedDelegationsWithOrWithoutPrefix) {
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.Sign("targets/bob", "v1", kDigest);
  Publish();
  for (const auto& names : std::vector<std::vector<std::string>>{
           {"alice"}, {"targets/alice"}, {"alice", "bob"}, {"targets/bob", "alice"}}) {
    auto verified = Verify(Ref(":v1"), With(names));
    ASSERT_THAT(verified, IsOk()) << names.size() << " " << names[0];
    EXPECT_EQ(verified->digest, kDigest);
  }
}

TEST_F(DelegationsTest, DeniesWhenARequiredDelegationLacksTheTag) {
  repo_.Sign("targets/alice", "v1", kDigest);
  Publish();
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice", "bob"})),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("validated targets don't contain reference: no tag 'v1' found "
                                 "in targets/bob")));
}

TEST_F(DelegationsTest, DeniesConflictingDelegations) {
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.Sign("targets/bob", "v1", kOtherDigest);
  Publish();
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice", "bob"})),
              StatusIs(StatusCode::kVerificationFailed, HasSubstr("found 2 digests for image")));
}

TEST_F(DelegationsTest, DeniesAnUndeclaredDelegation) {
  Publish();
  EXPECT_THAT(Verify(Ref(":v1"), With({"carol"})),
              StatusIs(StatusCode::kNotFound, HasSubstr("delegation targets/carol not found")));
}

TEST_F(DelegationsTest, DeniesDelegationsWhenTargetsDeclaresNone) {
  TufRepo plain;
  plain.Sign("targets", "v1", kDigest);
  repo_ = plain;
  Publish();
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice"})),
              StatusIs(StatusCode::kNotFound, HasSubstr("no delegations found for validator")));
}

TEST_F(DelegationsTest, DeniesADelegationSignedByAKeyTargetsDidNotAssign) {
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.signers["targets/alice"] = {bob_};  // bob is a delegation key, but not alice's
  Publish();
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice"})),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("error validating targets/alice signatures")));
}

TEST_F(DelegationsTest, DeniesADelegationChangedAfterSigning) {
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.after_signing["targets/alice"] = [](json& s) { s["version"] = 7; };
  Publish();
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice"})),
              StatusIs(StatusCode::kVerificationFailed,
                       HasSubstr("error validating targets/alice checksums")));
}

TEST_F(DelegationsTest, DeniesAnExpiredDelegation) {
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.delegations["targets/alice"]["expires"] = "2020-01-01T00:00:00+02:00";
  Publish();
  EXPECT_THAT(
      Verify(Ref(":v1"), With({"alice"})),
      StatusIs(StatusCode::kVerificationFailed, HasSubstr("targets/alice trust data expired")));
}

TEST_F(DelegationsTest, DeniesADelegationTheServerDoesNotHave) {
  repo_.Sign("targets/alice", "v1", kDigest);
  auto files = repo_.Publish();
  files.erase("targets/alice");
  Serve(files);
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice"})),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("error during download and validation of delegations")));
}

TEST_F(DelegationsTest, HonoursDelegationPaths) {
  repo_.targets["delegations"]["roles"][1]["paths"] = {"release-"};  // targets/alice
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.Sign("targets/alice", "release-1", kDigest);
  Publish();
  EXPECT_THAT(Verify(Ref(":release-1"), With({"alice"})), IsOk());
  EXPECT_THAT(Verify(Ref(":v1"), With({"alice"})),
              StatusIs(StatusCode::kNotFound, HasSubstr("no tag 'v1' found in targets/alice")));
}

TEST_F(DelegationsTest, SearchesReleasesByDefault) {
  repo_.Sign("targets/releases", "v1", kDigest);
  repo_.Sign("targets", "v1", kOtherDigest);  // ignored: releases wins
  Publish();
  auto verified = Verify(Ref(":v1"));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, kDigest);
}

TEST_F(DelegationsTest, FallsBackToTargetsOnlyWhenReleasesIsAbsentEverywhere) {
  TufRepo repo;
  repo.AddDelegation("targets/alice", {alice_});
  repo.Sign("targets", "v1", kDigest);
  repo_ = repo;
  Publish();
  auto verified = Verify(Ref(":v1"));
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->digest, kDigest);

  // Listed in snapshot but not served: fail closed.
  TufRepo listed = repo;
  listed.AddDelegation("targets/releases", {alice_});
  auto files = listed.Publish();
  files.erase("targets/releases");
  files_.clear();
  repo_ = listed;
  Serve(files);
  EXPECT_THAT(Verify(Ref(":v1")), StatusIs(StatusCode::kNotFound, HasSubstr("targets/releases")));
}

TEST_F(DelegationsTest, RejectsTheRequiredOption) {
  Publish();
  config::RuleOptions o;
  o.required = {"alice"};
  EXPECT_THAT(Verify(Ref(":v1"), o), StatusIs(StatusCode::kInvalidArgument, HasSubstr("required")));
}

TEST_F(DelegationsTest, ValidUntilIncludesTheDelegationsUsed) {
  repo_.Sign("targets/alice", "v1", kDigest);
  repo_.delegations["targets/alice"]["expires"] = "2032-02-03T04:05:06Z";
  Publish();
  auto verified = Verify(Ref(":v1"), With({"alice"}));
  ASSERT_THAT(verified, IsOk());
  const auto expected = ParseRfc3339("2032-02-03T04:05:06Z");
  ASSERT_THAT(expected, IsOk());
  ASSERT_TRUE(verified->valid_until.has_value());
  EXPECT_EQ(*verified->valid_until, *expected);
}

}  // namespace
}  // namespace connaisseur::notaryv1
