// LuaPattern: Lua 5.4 pattern matching (manual §6.4.1) whose work is charged to the call's
// instruction budget, so pathological patterns fail instead of running for hours.
//
// Stock string.find/match/gmatch/gsub backtrack in C where the count hook never fires:
// ("a"):rep(2e5):find(".-.-.-.-.-b") runs for hours whatever the budget. This matcher has the
// same syntax and results, but every step (a recursive match, a single-character test, a
// compared byte) is counted and charged through ChargeSteps, which raises once the budget or the
// deadline is spent. Recursion is bounded by kMaxDepth. See README.md for the decision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

struct lua_State;

namespace connaisseur::sandbox {

class LuaPattern {
 public:
  static constexpr int kMaxCaptures = 32;
  static constexpr int kMaxDepth = 200;

  // `subject` and `pattern` are borrowed (Lua strings on the stack) for the matcher's life.
  LuaPattern(lua_State* L, std::string_view subject, std::string_view pattern);
  LuaPattern(const LuaPattern&) = delete;
  LuaPattern& operator=(const LuaPattern&) = delete;

  // Tries to match the pattern starting at `pattern_offset` against the subject at `at`;
  // returns the end offset of the match, or -1. Raises Lua errors on malformed patterns and
  // budget overruns.
  ptrdiff_t MatchAt(size_t at, size_t pattern_offset);

  // Pushes capture i (the whole match [start, end) when there are none and i == 0).
  // Stack: +1.
  void PushCapture(int i, size_t start, size_t end);
  // Pushes every capture (or the whole match when `whole_if_none`), returns how many.
  int PushCaptures(size_t start, size_t end, bool whole_if_none);
  int captures() const { return level_; }

  // Charges the counted steps to the budget (raises on overrun).
  void Flush();

 private:
  static constexpr ptrdiff_t kUnfinished = -1;
  static constexpr ptrdiff_t kPosition = -2;
  struct Capture {
    const char* start;
    ptrdiff_t len;
  };

  // Where matching goes after one pattern item: on, from subject `s` at pattern `p`, or done,
  // with `s` the result of Match (nullptr: no match).
  struct Progress {
    bool done;
    const char* s;
    const char* p;
  };

  // The subject from `s` against the pattern from `p`: the end of the match or nullptr.
  const char* Match(const char* s, const char* p);
  // The item at `p` when it is a special one: a capture's '(' or ')', a final '$', or an escape
  // MatchEscape handles; nullopt when it is a single-character class.
  std::optional<Progress> MatchSpecial(const char* s, const char* p);
  // %b, %f and back-references (%1-%9); nullopt for an escaped character.
  std::optional<Progress> MatchEscape(const char* s, const char* p);
  // A single-character class at `p`, maybe followed by a quantifier ('*', '+', '-', '?').
  Progress MatchSingleItem(const char* s, const char* p);
  const char* MaxExpand(const char* s, const char* p, const char* ep);
  const char* MinExpand(const char* s, const char* p, const char* ep);
  const char* StartCapture(const char* s, const char* p, ptrdiff_t what);
  const char* EndCapture(const char* s, const char* p);
  const char* MatchBalance(const char* s, const char* p);
  const char* MatchBackReference(const char* s, int l);
  const char* ClassEnd(const char* p);
  bool SingleMatch(const char* s, const char* p, const char* ep);
  bool MatchBracket(int c, const char* p, const char* ec);
  static bool MatchClass(int c, int cl);
  void Step(uint64_t n = 1);
  char At(const char* p) const { return p < pattern_end_ ? *p : '\0'; }

  lua_State* L_;
  const char* src_;
  const char* src_end_;
  const char* pattern_;
  const char* pattern_end_;
  int level_ = 0;
  int depth_ = 0;
  uint64_t pending_steps_ = 0;
  Capture capture_[kMaxCaptures];
};

}  // namespace connaisseur::sandbox
