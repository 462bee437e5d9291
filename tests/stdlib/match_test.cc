// stdlib/match.cc: connaisseur.match.glob and connaisseur.match.candidates as a script sees them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using ::testing::HasSubstr;
using testing::StdlibTest;

using MatchTest = StdlibTest;

TEST_F(MatchTest, GlobStarCrossesSlashes) {
  EXPECT_EQ(Reason("return nil, tostring(connaisseur.match.glob('docker.io/*', "
                   "'docker.io/library/x:1'))"),
            "true");
}

TEST_F(MatchTest, GlobIsAnchored) {
  EXPECT_EQ(Reason("return nil, tostring(connaisseur.match.glob('my.registry/*', "
                   "'attacker.io/my.registry/x:1'))"),
            "false");
}

TEST_F(MatchTest, GlobWithoutTagMatchesAnyTag) {
  EXPECT_EQ(Reason("return nil, tostring(connaisseur.match.glob('reg:5000/img', "
                   "'reg:5000/img:v2'))"),
            "true");
}

// The registry host ignores case on both sides; the path and the tag do not.
TEST_F(MatchTest, GlobIgnoresCaseOnlyInTheRegistryHost) {
  EXPECT_EQ(Reason("return nil, tostring(connaisseur.match.glob('Reg.IO/*', 'reg.io/x:1')) .. ' ' "
                   ".. tostring(connaisseur.match.glob('reg.io/*', 'REG.io/x:1')) .. ' ' .. "
                   "tostring(connaisseur.match.glob('reg.io/X*', 'reg.io/x:1')) .. ' ' .. "
                   "tostring(connaisseur.match.glob('*:V1', 'reg.io/x:v1'))"),
            "true true false false");
}

TEST_F(MatchTest, GlobDoesNotBacktrackOnHostilePatterns) {
  EXPECT_EQ(Reason("return nil, tostring(connaisseur.match.glob(('*a'):rep(60) .. '*b', "
                   "('a'):rep(100000)))"),
            "false");
}

TEST_F(MatchTest, CandidatesListsTheMatchingRules) {
  EXPECT_EQ(Reason("local c = connaisseur.match.candidates(image) "
                   "return nil, #c .. ' ' .. c[1].pattern .. ' ' .. c[2].validator .. ' ' .. "
                   "c[2].index"),
            "2 *:* other 2");
}

TEST_F(MatchTest, GlobRejectsAMalformedPattern) {
  EXPECT_THAT(Eval("connaisseur.match.glob('[', 'x')").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad argument #1 to 'glob'")));
}

TEST_F(MatchTest, CandidatesRejectsAString) {
  EXPECT_THAT(Eval("connaisseur.match.candidates('nginx')").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad argument #1 to 'candidates'")));
}

}  // namespace
}  // namespace connaisseur::stdlib
