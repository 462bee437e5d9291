// stdlib/: every `connaisseur` module as a script sees it, through a real Policy and sandbox.
#include "stdlib/stdlib.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "runtime/admission/image_verifier.h"
#include "runtime/crypto/digest.h"
#include "runtime/matching/rule_index.h"
#include "runtime/policy/policy.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::stdlib {
namespace {

using policy::Policy;
using policy::PolicyOptions;
using policy::PolicyRequest;
using policy::testing::Image;
using policy::testing::RecordingLogger;
using ::testing::HasSubstr;

// Verifies nothing over the network: allows images whose tag is "signed", with a fixed digest.
class TagVerifier final : public admission::ImageVerifier {
 public:
  StatusOr<admission::VerifiedImage> Verify(const config::Rule& rule,
                                            const image::ImageReference& image,
                                            const admission::PullContext&, Deadline) override {
    calls++;
    if (image.tag() == "signed")
      return admission::VerifiedImage{"sha256:" + std::string(64, 'a'), rule.validator};
    return VerificationFailedError("no signature for " + image.normalized());
  }
  int calls = 0;
};

class StdlibTest : public ::testing::Test {
 protected:
  StdlibTest() : config_(policy::testing::SmallConfig()) {
    config_.sandbox.instruction_limit = 2'000'000;
    config_.sandbox.memory_limit_bytes = 32u << 20;
    AddRule("*:*", "default");
    AddRule("docker.io/library/*:*", "other");
    index_ = std::move(matching::RuleIndex::Build(config_.policy, false)).value();
  }

  void AddRule(const std::string& pattern, const std::string& validator) {
    config::Rule r;
    r.pattern = pattern;
    r.validator = validator;
    r.index = config_.policy.size();
    config_.policy.push_back(r);
  }

  // Runs `body` as select(image, request) and returns its `nil, reason` answer: the reason.
  StatusOr<std::string> Eval(const std::string& body, const std::string& image = "nginx") {
    PolicyOptions options;
    options.source = "return { select = function(image, request)\n" + body + "\nend }";
    options.chunk_name = "stdlib_test.lua";
    options.config = &config_;
    options.rules = index_.get();
    options.verifier = &verifier_;
    options.logger = &logger_;
    options.modules = StandardModules();
    CN_ASSIGN_OR_RETURN(auto policy, Policy::Create(options));
    auto rule =
        policy->Select(Image(image), PolicyRequest(), Deadline::In(std::chrono::seconds(5)));
    if (rule.status().code() == StatusCode::kNotFound) return rule.status().message();
    if (!rule.ok()) return rule.status();
    return InternalError("select returned a rule");
  }

  config::Config config_;
  std::unique_ptr<matching::RuleIndex> index_;
  TagVerifier verifier_;
  RecordingLogger logger_;
};

struct EvalCase {
  const char* body;
  const char* expected;
};

TEST_F(StdlibTest, ModulesAnswerAsDocumented) {
  const std::string sha_abc = crypto::Sha256Hex("abc");
  const EvalCase cases[] = {
      {"local i = connaisseur.image.parse('reg.io:5000/a/b:v1') "
       "return nil, i.registry .. '|' .. i.repository .. '|' .. i.name .. '|' .. i.tag .. '|' .. "
       "i.normalized .. '|' .. tostring(i.digest)",
       "reg.io:5000|a/b|reg.io:5000/a/b|v1|reg.io:5000/a/b:v1|nil"},
      {"local i, err = connaisseur.image.parse('Invalid,Image') return nil, tostring(i) .. ' ' .. "
       "tostring(err:find('invalid image reference', 1, true) ~= nil)",
       "nil true"},
      {"return nil, tostring(connaisseur.match.glob('docker.io/*', 'docker.io/library/x:1'))",
       "true"},
      {"return nil, tostring(connaisseur.match.glob('my.registry/*', "
       "'attacker.io/my.registry/x:1'))",
       "false"},
      {"return nil, tostring(connaisseur.match.glob('reg:5000/img', 'reg:5000/img:v2'))", "true"},
      // The registry host ignores case on both sides; the path and the tag do not.
      {"return nil, tostring(connaisseur.match.glob('Reg.IO/*', 'reg.io/x:1')) .. ' ' .. "
       "tostring(connaisseur.match.glob('reg.io/*', 'REG.io/x:1')) .. ' ' .. "
       "tostring(connaisseur.match.glob('reg.io/X*', 'reg.io/x:1')) .. ' ' .. "
       "tostring(connaisseur.match.glob('*:V1', 'reg.io/x:v1'))",
       "true true false false"},
      {"return nil, tostring(connaisseur.match.glob(('*a'):rep(60) .. '*b', ('a'):rep(100000)))",
       "false"},
      {"local c = connaisseur.match.candidates(image) "
       "return nil, #c .. ' ' .. c[1].pattern .. ' ' .. c[2].validator .. ' ' .. c[2].index",
       "2 *:* other 2"},
      {"return nil, connaisseur.crypto.sha256('abc')", sha_abc.c_str()},
      {"local ok, why = connaisseur.crypto.verify('not a pem', 'data', 'sig', 'ecdsa') "
       "return nil, tostring(ok) .. ' ' .. type(why)",
       "false string"},
      {"local b = connaisseur.base64 return nil, b.encode('hello') .. ' ' .. b.decode('aGVsbG8=')",
       "aGVsbG8= hello"},
      {"local v, err = connaisseur.base64.decode('!!!') return nil, tostring(v) .. ' ' .. "
       "type(err)",
       "nil string"},
      {"local j = connaisseur.json return nil, j.encode(j.decode('{\"a\":[1,2,{\"b\":true}]}'))",
       "{\"a\":[1,2,{\"b\":true}]}"},
      {"local v, err = connaisseur.json.decode(('['):rep(100) .. (']'):rep(100)) "
       "return nil, tostring(v) .. ' ' .. err",
       "nil JSON nested too deeply"},
      {"local v = connaisseur.json.decode('[' .. ('[],'):rep(9999) .. '[]]') "
       "return nil, tostring(#v)",
       "10000"},
      // 3.6 MB of empty arrays: under the input cap, but its tree would take ~150 MiB outside
      // the Lua heap.
      {"local v, err = connaisseur.json.decode('[' .. ('[],'):rep(1200000) .. '[]]') "
       "return nil, tostring(v) .. ' ' .. err",
       "nil JSON too large for the script's memory limit"},
      {"local ok = pcall(connaisseur.json.encode, {f = print}) return nil, tostring(ok)", "false"},
      {"return nil, connaisseur.config.validators.other.type .. ' ' .. "
       "connaisseur.config.policy[2].pattern",
       "static docker.io/library/*:*"},
      {"local ok = pcall(function() connaisseur.config.features = {} end) "
       "return nil, tostring(ok)",
       "false"},
      {"local d = connaisseur.default_policy() return nil, type(d.select) .. ' ' .. "
       "tostring(d == connaisseur.default_policy())",
       "function true"},
      {"local r = connaisseur.verify(connaisseur.match.candidates(image)[1], image) "
       "return nil, tostring(r.allowed) .. ' ' .. r.validator",
       "false default"},
      {"local r = connaisseur.verify({pattern = '*', validator = 'other'}, "
       "connaisseur.image.parse('x:signed')) return nil, tostring(r.allowed) .. ' ' .. r.digest",
       "true sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
      // verify's result image is the image view; its text is the reference as written, and
      // parse takes it back.
      {"local r = connaisseur.verify({pattern = '*', validator = 'other'}, "
       "connaisseur.image.parse('x:signed')) return nil, r.image.normalized .. ' ' .. "
       "tostring(r.image) .. ' ' .. connaisseur.image.parse(r.image).tag",
       "docker.io/library/x:signed x:signed signed"},
      {"return nil, connaisseur.json.encode({i = image})",
       "{\"i\":\"docker.io/library/nginx:latest\"}"},
      {"local ok, err = pcall(connaisseur.verify, {pattern = '*', validator = 'nope'}, image) "
       "return nil, tostring(ok) .. ' ' .. tostring(err:find('not found', 1, true) ~= nil)",
       "false true"},
  };
  for (const EvalCase& c : cases) {
    auto got = Eval(c.body);
    ASSERT_THAT(got, IsOk()) << c.body;
    EXPECT_EQ(*got, c.expected) << c.body;
  }
}

TEST_F(StdlibTest, RejectsMisuseWithArgumentErrors) {
  const EvalCase cases[] = {
      {"connaisseur.match.glob('[', 'x')", "bad argument #1 to 'glob'"},
      {"connaisseur.match.candidates('nginx')", "bad argument #1 to 'candidates'"},
      {"connaisseur.crypto.verify('k', 'd', 's', 'md5')", "unknown signature algorithm"},
      {"connaisseur.image.parse(('a'):rep(5 * 1024 * 1024))", "input too large"},
      {"connaisseur.image.parse = nil", "read-only"},
  };
  for (const EvalCase& c : cases) {
    EXPECT_THAT(Eval(c.body).status(),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.expected)))
        << c.body;
  }
}

TEST_F(StdlibTest, LogLinesAreTaggedAndCappedPerCall) {
  ASSERT_THAT(Eval("for i = 1, 500 do connaisseur.log.info('hello', {n = i}) end return nil, 'x'"),
              IsOk());
  ASSERT_EQ(logger_.lines.size(), sandbox::NativeContext::kMaxLogLinesPerCall);
  EXPECT_EQ(logger_.lines[0].msg, "hello");
  EXPECT_EQ(logger_.lines[0].fields["source"], "policy");
  EXPECT_EQ(logger_.lines[0].fields["n"], 1);
}

// Review regressions: json.encode of frozen tables (connaisseur.config) raised "invalid key to
// 'next'"; shared tables unfolded exponentially; every value under a long key copied the key.
TEST_F(StdlibTest, JsonEncodeReadsFrozenTablesAndBoundsItsWork) {
  auto config = Eval("return nil, connaisseur.json.encode(connaisseur.config)");
  ASSERT_THAT(config, IsOk());
  const auto parsed = nlohmann::json::parse(*config, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << *config;
  EXPECT_EQ(parsed["policy"][1]["pattern"], "docker.io/library/*:*") << *config;
  EXPECT_EQ(parsed["validators"]["other"]["type"], "static") << *config;

  const EvalCase cases[] = {
      {"local t = {} for i = 1, 40 do t = {t, t} end "
       "local ok, err = pcall(connaisseur.json.encode, t) return nil, tostring(ok) .. ' ' .. err",
       "values to convert to JSON"},
      {"local k = ('k'):rep(3000000) local v = {} for i = 1, 50000 do v[i] = i end "
       "local s = connaisseur.json.encode({[k] = v}) return nil, tostring(#s > 3000000)",
       "true"},
      {"local t = {} for i = 1, 40 do t = {t, t} end "
       "connaisseur.log.info('shared', {t = t}) return nil, 'logged'",
       "logged"},
  };
  for (const EvalCase& c : cases) {
    auto got = Eval(c.body);
    ASSERT_THAT(got, IsOk()) << c.body;
    EXPECT_THAT(*got, HasSubstr(c.expected)) << c.body;
  }
}

}  // namespace
}  // namespace connaisseur::stdlib
