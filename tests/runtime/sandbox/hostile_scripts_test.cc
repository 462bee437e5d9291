// Hostile policy scripts (issue 3): every escape, bomb and malformed return ends in
// a load error or a denied select with the expected Status code, within small budgets, with
// nothing written to stdout and a state that answers the same way on the next call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "runtime/policy/policy.h"
#include "tests/runtime/policy/policy_test_support.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::sandbox {
namespace {

using policy::Policy;
using policy::PolicyOptions;
using policy::PolicyRequest;
using policy::testing::Image;
using policy::testing::RecordingLogger;
using policy::testing::SmallConfig;
using ::testing::HasSubstr;

struct HostileCase {
  const char* name;
  const char* script;  // a whole chunk; "SELECT:" prefix = body of select(image, request)
  StatusCode code;
  const char* fragment;
};

std::string Chunk(const std::string& script) {
  const std::string prefix = "SELECT:";
  if (script.rfind(prefix, 0) != 0) return script;
  return "return { select = function(image, request)\n" + script.substr(prefix.size()) +
         "\nend }\n";
}

// Runs the case: Create, then (when Create succeeds) Select twice. Returns the first failure.
Status RunCase(const HostileCase& c, RecordingLogger* logger) {
  static const config::Config config = SmallConfig();
  PolicyOptions options;
  options.source = Chunk(c.script);
  options.chunk_name = "hostile.lua";
  options.config = &config;
  options.logger = logger;
  auto policy = Policy::Create(options);
  if (!policy.ok()) return policy.status();
  PolicyRequest request;
  auto first = (*policy)->Select(Image("nginx"), request, Deadline::In(std::chrono::seconds(5)));
  if (first.ok()) return Status::Ok();
  // The next call must not see a half-broken state: it is rebuilt and fails the same way.
  auto second = (*policy)->Select(Image("nginx"), request, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(second.status().code(), first.status().code())
      << c.name << ": " << second.status().ToString();
  return first.status();
}

const HostileCase kHostileCases[] = {
    // Libraries that must not exist.
    {"IoIsAbsent", "SELECT: io.open('/etc/passwd')", StatusCode::kInvalidArgument,
     "undefined global 'io'"},
    {"OsIsAbsent", "SELECT: os.execute('touch /tmp/cn-sandbox-pwned')",
     StatusCode::kInvalidArgument, "undefined global 'os'"},
    {"RequireIsAbsent", "SELECT: require('os')", StatusCode::kInvalidArgument,
     "undefined global 'require'"},
    {"PackageIsAbsent", "SELECT: package.loadlib('libc.so.6', 'system')",
     StatusCode::kInvalidArgument, "undefined global 'package'"},
    {"DebugIsAbsent", "SELECT: debug.sethook()", StatusCode::kInvalidArgument,
     "undefined global 'debug'"},
    {"DofileIsAbsent", "SELECT: dofile('/etc/passwd')", StatusCode::kInvalidArgument,
     "undefined global 'dofile'"},
    {"LoadfileIsAbsent", "SELECT: loadfile('/etc/passwd')", StatusCode::kInvalidArgument,
     "undefined global 'loadfile'"},
    {"LoadIsAbsent", "SELECT: load('\\27Lua')()", StatusCode::kInvalidArgument,
     "undefined global 'load'"},
    {"CollectgarbageIsAbsent", "SELECT: collectgarbage('stop')", StatusCode::kInvalidArgument,
     "undefined global 'collectgarbage'"},
    {"RawsetIsAbsent", "SELECT: rawset(string, 'upper', tostring)", StatusCode::kInvalidArgument,
     "undefined global 'rawset'"},
    {"CoroutineIsAbsentSoSelectCannotYield", "SELECT: coroutine.yield()",
     StatusCode::kInvalidArgument, "undefined global 'coroutine'"},
    {"BinaryChunkSourceIsRefused", "\x1bLua\x54\x00\x19\x93\r\n\x1a\n",
     StatusCode::kInvalidArgument, "binary chunk"},
    {"StringDumpIsAbsent", "SELECT: return string.dump(function() end)",
     StatusCode::kInvalidArgument, "dump"},
    // Tampering with the host's tables.
    {"SetmetatableOnGlobalsIsRefused", "SELECT: setmetatable(_G, {})", StatusCode::kInvalidArgument,
     "protected metatable"},
    {"StringMetatableIsHidden", "SELECT: getmetatable('').__index.upper = nil",
     StatusCode::kInvalidArgument, "boolean"},
    {"WritingAGlobalInSelectIsRefused", "SELECT: leaked = 1", StatusCode::kInvalidArgument,
     "assignment to global 'leaked'"},
    {"ReplacingAStringFunctionIsRefused", "SELECT: string.upper = function() return 'x' end",
     StatusCode::kInvalidArgument, "read-only"},
    {"AddingToConnaisseurIsRefused", "SELECT: connaisseur.verify = function() end",
     StatusCode::kInvalidArgument, "read-only"},
    {"GcFinalizerIsRefused", "SELECT: setmetatable({}, {__gc = function() while true do end end})",
     StatusCode::kInvalidArgument, "__gc"},
    // CPU.
    {"EndlessLoopAtLoad", "while true do end", StatusCode::kResourceExhausted,
     "instruction budget"},
    {"EndlessLoopInSelect", "SELECT: while true do end", StatusCode::kResourceExhausted,
     "instruction budget"},
    {"EndlessLoopInsidePcall", "SELECT: while true do pcall(function() while true do end end) end",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"LoopingXpcallHandler",
     "SELECT: xpcall(function() error('x') end, function() while true do end end)",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"LoopingCloseHandler",
     "SELECT: do local x <close> = setmetatable({}, {__close = function() while true do end end}) "
     "end return nil, 'closed'",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"PathologicalFindPattern", "SELECT: return ('a'):rep(2e5):find('.-.-.-.-.-b')",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"PathologicalMatchPattern", "SELECT: return ('a'):rep(5e4):match('a*a*a*a*a*b')",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"PathologicalGsubPattern", "SELECT: return ('a'):rep(3e4):gsub('a-a-a-a-b', '')",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"AdversarialPlainFind", "SELECT: return ('a'):rep(1e6):find(('a'):rep(1e4) .. 'b', 1, true)",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"TableMoveOverAHugeRange", "SELECT: table.move({}, 1, 1e14, 1, {})",
     StatusCode::kResourceExhausted, "instruction budget"},
    // Review regression: insert/remove at a position shift the whole array in C.
    {"TableInsertAtTheFrontOfALongArray",
     "SELECT: local t = {string.byte(('x'):rep(1e5), 1, -1)} "
     "for i = 1, 1e9 do table.insert(t, 1, 0) end",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"TableRemoveFromTheFrontOfALongArray",
     "SELECT: local t = {string.byte(('x'):rep(1e5), 1, -1)} "
     "for i = 1, 1e9 do table.remove(t, 1) t[#t + 1] = 0 end",
     StatusCode::kResourceExhausted, "instruction budget"},
    {"RepOfEmptyStringDoesNotSpin", "SELECT: local s = string.rep('', 1e15) return nil, 'empty'",
     StatusCode::kNotFound, "empty"},
    // Memory.
    {"StringRepBomb", "SELECT: return string.rep('x', 1e12)", StatusCode::kInvalidArgument,
     "too large"},
    {"StringRepOverTheMemoryBudget", "SELECT: return string.rep('x', 1e7)",
     StatusCode::kResourceExhausted, "memory budget"},
    {"DoublingConcatenation", "SELECT: local s = 'x' while true do s = s .. s end",
     StatusCode::kResourceExhausted, "budget"},
    {"TableGrowth", "SELECT: local t = {} for i = 1, 1e9 do t[i] = {i} end",
     StatusCode::kResourceExhausted, "budget"},
    {"MemoryErrorCaughtByPcallStillDenies",
     "SELECT: pcall(string.rep, 'x', 1e7) return nil, 'survived'", StatusCode::kResourceExhausted,
     "memory budget"},
    {"DeepLuaRecursion", "SELECT: local function f(n) return f(n + 1) + 1 end return f(1)",
     StatusCode::kResourceExhausted, "budget"},
    {"DeepMetamethodRecursion",
     "SELECT: local t = setmetatable({}, {__index = function(t, k) return t[k] end}) "
     "return t.x",
     StatusCode::kInvalidArgument, "stack overflow"},
    // Error objects.
    {"ErrorObjectWithLoopingTostring",
     "SELECT: error(setmetatable({}, {__tostring = function() while true do end end}))",
     StatusCode::kInvalidArgument, "error object is a table value"},
    {"ErrorObjectWithExplodingTostring",
     "SELECT: error(setmetatable({}, {__tostring = function() error('boom') end}))",
     StatusCode::kInvalidArgument, "error object is a table value"},
    // Malformed scripts and returns.
    {"SyntaxErrorNamesTheLine", "return {\nselect = function(\n", StatusCode::kInvalidArgument,
     "hostile.lua:"},
    {"ReturnsANumber", "return 42", StatusCode::kInvalidArgument, "returned a number"},
    {"ReturnsAString", "return 'select'", StatusCode::kInvalidArgument, "returned a string"},
    {"ReturnsNothing", "local x = 1", StatusCode::kInvalidArgument, "returned a nil"},
    {"TableWithoutSelect", "return { admit = function() end }", StatusCode::kInvalidArgument,
     "no function 'select'"},
    {"AdmitThatIsNotAFunction", "return { select = function() end, admit = 1 }",
     StatusCode::kInvalidArgument, "'admit' must be a function"},
    {"SelectReturnsANumber", "SELECT: return 7", StatusCode::kInvalidArgument,
     "malformed rule: expected a rule table or nil, got number"},
    {"RuleWithoutValidator", "SELECT: return { pattern = '*' }", StatusCode::kInvalidArgument,
     "malformed rule: 'validator'"},
    {"RuleWithUnknownValidator", "SELECT: return { pattern = '*', validator = 'nope' }",
     StatusCode::kInvalidArgument, "validator \"nope\" not found"},
    {"RuleWithNonTableWith", "SELECT: return { pattern = '*', validator = 'default', with = 5 }",
     StatusCode::kInvalidArgument, "'with' must be a table"},
    {"RuleWithFunctionInWith",
     "SELECT: return { pattern = '*', validator = 'default', with = { trustRoot = print } }",
     StatusCode::kInvalidArgument, "malformed rule: 'with'"},
    {"RuntimeErrorNamesScriptAndLine", "SELECT: local x = nil\nreturn x.field",
     StatusCode::kInvalidArgument, "hostile.lua:3:"},
    {"WithSharingOneTableExponentially",
     "SELECT: local t = {} for i = 1, 40 do t = {t, t} end "
     "return { pattern = '*', validator = 'default', with = { trustRoot = t } }",
     StatusCode::kInvalidArgument, "values to convert to JSON"},
    {"PrintFlooding", "SELECT: for i = 1, 1e6 do print(('spam'):rep(100)) end",
     StatusCode::kResourceExhausted, "instruction budget"},
};

class HostileScriptTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileScriptTest, IsDeniedWithTheExpectedStatusAndNoSideEffect) {
  const HostileCase& c = GetParam();
  RecordingLogger logger;
  ::testing::internal::CaptureStdout();
  Status s = RunCase(c, &logger);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_THAT(s, StatusIs(c.code, HasSubstr(c.fragment))) << c.name << "\n" << c.script;
  EXPECT_EQ(out, "") << c.name << ": wrote to stdout";
  EXPECT_LE(logger.lines.size(), 2u * NativeContext::kMaxLogLinesPerCall) << c.name;
  EXPECT_FALSE(std::filesystem::exists("/tmp/cn-sandbox-pwned")) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Sandbox, HostileScriptTest, ::testing::ValuesIn(kHostileCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace connaisseur::sandbox
