// stdlib/verify.cc: connaisseur.verify(rule, image) as a script sees it.
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using testing::StdlibTest;

using VerifyTest = StdlibTest;

TEST_F(VerifyTest, DeniesWhatTheValidatorDenies) {
  EXPECT_EQ(Reason("local r = connaisseur.verify(connaisseur.match.candidates(image)[1], image) "
                   "return nil, tostring(r.allowed) .. ' ' .. r.validator"),
            "false default");
  EXPECT_EQ(verifier_.calls, 1);
}

TEST_F(VerifyTest, AllowsWithTheVerifiedDigest) {
  EXPECT_EQ(Reason("local r = connaisseur.verify({pattern = '*', validator = 'other'}, "
                   "connaisseur.image.parse('x:signed')) "
                   "return nil, tostring(r.allowed) .. ' ' .. r.digest"),
            "true sha256:" + std::string(64, 'a'));
}

// verify's result image is the image view; its text is the reference as written, and parse
// takes it back.
TEST_F(VerifyTest, TheResultsImageIsTheImageView) {
  EXPECT_EQ(Reason("local r = connaisseur.verify({pattern = '*', validator = 'other'}, "
                   "connaisseur.image.parse('x:signed')) return nil, r.image.normalized .. ' ' "
                   ".. tostring(r.image) .. ' ' .. connaisseur.image.parse(r.image).tag"),
            "docker.io/library/x:signed x:signed signed");
}

TEST_F(VerifyTest, HandsOverVerifiedAttestationsWithTheirPredicateAsATable) {
  EXPECT_EQ(Reason("local r = connaisseur.verify({pattern = '*', validator = 'other'}, "
                   "connaisseur.image.parse('x:attested')) local a = r.attestations[1] "
                   "return nil, #r.attestations .. ' ' .. a.predicate_type .. ' ' .. "
                   "a.predicate.runDetails.builder.id .. ' ' .. a.predicate.n[2] .. ' ' .. "
                   "a.signed_by .. ' ' .. a.source .. ' | ' .. r.attestation_errors[1]"),
            "1 https://slsa.dev/provenance/v1 https://ci.example/b 2 default sha256-aa.att "
            "layer 0 | sha256-aa.att layer 1: signature does not verify");
}

TEST_F(VerifyTest, ResultsWithoutAttestationsHaveEmptyLists) {
  EXPECT_EQ(Reason("local ok = connaisseur.verify({pattern = '*', validator = 'other'}, "
                   "connaisseur.image.parse('x:signed')) "
                   "local bad = connaisseur.verify({pattern = '*', validator = 'other'}, "
                   "connaisseur.image.parse('x:unsigned')) "
                   "return nil, #ok.attestations .. #ok.attestation_errors .. "
                   "#bad.attestations .. #bad.attestation_errors"),
            "0000");
}

TEST_F(VerifyTest, RaisesForAValidatorThatDoesNotExist) {
  EXPECT_EQ(Reason("local ok, err = pcall(connaisseur.verify, {pattern = '*', validator = "
                   "'nope'}, image) return nil, tostring(ok) .. ' ' .. "
                   "tostring(err:find('not found', 1, true) ~= nil)"),
            "false true");
}

}  // namespace
}  // namespace connaisseur::stdlib
