#include "runtime/sandbox/lua_pattern.h"

#include <cctype>
#include <cstring>
#include <lua.hpp>
#include <optional>

#include "runtime/sandbox/budget.h"

namespace connaisseur::sandbox {
namespace {

constexpr char kEscape = '%';
constexpr uint64_t kChargeEvery = 1024;

int Byte(char c) { return static_cast<unsigned char>(c); }

}  // namespace

LuaPattern::LuaPattern(lua_State* L, std::string_view subject, std::string_view pattern)
    : L_(L),
      src_(subject.data()),
      src_end_(subject.data() + subject.size()),
      pattern_(pattern.data()),
      pattern_end_(pattern.data() + pattern.size()) {}

void LuaPattern::Step(uint64_t n) {
  pending_steps_ += n;
  if (pending_steps_ >= kChargeEvery) Flush();
}

void LuaPattern::Flush() {
  const uint64_t steps = pending_steps_;
  pending_steps_ = 0;
  ChargeSteps(L_, steps);
}

ptrdiff_t LuaPattern::MatchAt(size_t at, size_t pattern_offset) {
  level_ = 0;
  depth_ = 0;
  const char* e = Match(src_ + at, pattern_ + pattern_offset);
  return e == nullptr ? -1 : e - src_;
}

const char* LuaPattern::ClassEnd(const char* p) {
  const char c = *p++;
  if (c == kEscape) {
    if (p >= pattern_end_) luaL_error(L_, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (c == '[') {
    if (At(p) == '^') p++;
    // The first character of a set is literal even when it is ']' ("[]]").
    do {
      if (p >= pattern_end_) luaL_error(L_, "malformed pattern (missing ']')");
      const char cc = *p++;
      if (cc == kEscape && p < pattern_end_) p++;
    } while (At(p) != ']');
    return p + 1;
  }
  return p;
}

bool LuaPattern::MatchClass(int c, int cl) {
  bool res;
  switch (std::tolower(cl)) {
    case 'a':
      res = std::isalpha(c);
      break;
    case 'c':
      res = std::iscntrl(c);
      break;
    case 'd':
      res = std::isdigit(c);
      break;
    case 'g':
      res = std::isgraph(c);
      break;
    case 'l':
      res = std::islower(c);
      break;
    case 'p':
      res = std::ispunct(c);
      break;
    case 's':
      res = std::isspace(c);
      break;
    case 'u':
      res = std::isupper(c);
      break;
    case 'w':
      res = std::isalnum(c);
      break;
    case 'x':
      res = std::isxdigit(c);
      break;
    default:
      return cl == c;
  }
  return std::isupper(cl) ? !res : res;
}

// `p` is at '[', `ec` at the closing ']'.
bool LuaPattern::MatchBracket(int c, const char* p, const char* ec) {
  bool found = true;
  if (*++p == '^') {
    found = false;
    p++;
  }
  for (; p < ec; p++) {
    if (*p == kEscape) {
      p++;
      if (MatchClass(c, Byte(*p))) return found;
    } else if (p + 2 < ec && p[1] == '-') {
      if (Byte(p[0]) <= c && c <= Byte(p[2])) return found;
      p += 2;
    } else if (Byte(*p) == c) {
      return found;
    }
  }
  return !found;
}

bool LuaPattern::SingleMatch(const char* s, const char* p, const char* ep) {
  Step();
  if (s >= src_end_) return false;
  const int c = Byte(*s);
  switch (*p) {
    case '.':
      return true;
    case kEscape:
      return MatchClass(c, Byte(p[1]));
    case '[':
      return MatchBracket(c, p, ep - 1);
    default:
      return Byte(*p) == c;
  }
}

const char* LuaPattern::MatchBalance(const char* s, const char* p) {
  if (p + 1 >= pattern_end_) luaL_error(L_, "malformed pattern (missing arguments to '%%b')");
  if (s >= src_end_ || *s != *p) return nullptr;
  const char open = p[0], close = p[1];
  int depth = 1;
  while (++s < src_end_) {
    Step();
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      depth++;
    }
  }
  return nullptr;
}

const char* LuaPattern::MaxExpand(const char* s, const char* p, const char* ep) {
  ptrdiff_t i = 0;
  while (SingleMatch(s + i, p, ep)) i++;
  for (; i >= 0; i--) {  // try the longest expansion first, then shorter ones
    if (const char* res = Match(s + i, ep + 1)) return res;
  }
  return nullptr;
}

const char* LuaPattern::MinExpand(const char* s, const char* p, const char* ep) {
  for (;;) {
    if (const char* res = Match(s, ep + 1)) return res;
    if (!SingleMatch(s, p, ep)) return nullptr;
    s++;
  }
}

const char* LuaPattern::StartCapture(const char* s, const char* p, ptrdiff_t what) {
  if (level_ >= kMaxCaptures) luaL_error(L_, "too many captures");
  capture_[level_] = {s, what};
  level_++;
  const char* res = Match(s, p);
  if (res == nullptr) level_--;
  return res;
}

const char* LuaPattern::EndCapture(const char* s, const char* p) {
  int l = level_ - 1;
  while (l >= 0 && capture_[l].len != kUnfinished) l--;
  if (l < 0) luaL_error(L_, "invalid pattern capture");
  capture_[l].len = s - capture_[l].start;
  const char* res = Match(s, p);
  if (res == nullptr) capture_[l].len = kUnfinished;
  return res;
}

const char* LuaPattern::MatchBackReference(const char* s, int l) {
  l -= '1';
  if (l < 0 || l >= level_ || capture_[l].len == kUnfinished) {
    luaL_error(L_, "invalid capture index %%%d", l + 1);
  }
  // A position capture "()" has no text; like stock Lua, a back-reference to it never matches
  // (and its negative length must not be charged as 2^64 steps).
  if (capture_[l].len == kPosition) {
    Step();
    return nullptr;
  }
  const size_t len = static_cast<size_t>(capture_[l].len);
  Step(len);
  if (static_cast<size_t>(src_end_ - s) >= len && std::memcmp(capture_[l].start, s, len) == 0) {
    return s + len;
  }
  return nullptr;
}

const char* LuaPattern::Match(const char* s, const char* p) {
  if (++depth_ > kMaxDepth) luaL_error(L_, "pattern too complex");
  Step();
  while (p < pattern_end_) {
    const std::optional<Progress> special = MatchSpecial(s, p);
    const Progress next = special ? *special : MatchSingleItem(s, p);
    if (next.done) {
      depth_--;
      return next.s;
    }
    s = next.s;
    p = next.p;
  }
  depth_--;
  return s;
}

std::optional<LuaPattern::Progress> LuaPattern::MatchSpecial(const char* s, const char* p) {
  switch (*p) {
    case '(':
      if (At(p + 1) == ')') return Progress{true, StartCapture(s, p + 2, kPosition), p};
      return Progress{true, StartCapture(s, p + 1, kUnfinished), p};
    case ')':
      return Progress{true, EndCapture(s, p + 1), p};
    case '$':
      if (p + 1 == pattern_end_) return Progress{true, s == src_end_ ? s : nullptr, p};
      return std::nullopt;  // a '$' inside the pattern is literal
    case kEscape:
      return MatchEscape(s, p);
    default:
      return std::nullopt;
  }
}

std::optional<LuaPattern::Progress> LuaPattern::MatchEscape(const char* s, const char* p) {
  if (At(p + 1) == 'b') {
    s = MatchBalance(s, p + 2);
    return s == nullptr ? Progress{true, nullptr, p} : Progress{false, s, p + 4};
  }
  if (At(p + 1) == 'f') {
    p += 2;
    if (At(p) != '[') luaL_error(L_, "missing '[' after '%%f' in pattern");
    const char* ep = ClassEnd(p);
    const int prev = s == src_ ? 0 : Byte(s[-1]);
    const int cur = s < src_end_ ? Byte(*s) : 0;
    if (!MatchBracket(prev, p, ep - 1) && MatchBracket(cur, p, ep - 1)) {
      return Progress{false, s, ep};
    }
    return Progress{true, nullptr, p};
  }
  if (std::isdigit(Byte(At(p + 1)))) {
    s = MatchBackReference(s, Byte(p[1]));
    return s == nullptr ? Progress{true, nullptr, p} : Progress{false, s, p + 2};
  }
  return std::nullopt;  // an escaped character: a single-character class
}

LuaPattern::Progress LuaPattern::MatchSingleItem(const char* s, const char* p) {
  const char* ep = ClassEnd(p);
  const char q = At(ep);
  if (!SingleMatch(s, p, ep)) {
    // Zero repetitions are fine for '*', '?' and '-'.
    if (q == '*' || q == '?' || q == '-') return Progress{false, s, ep + 1};
    return Progress{true, nullptr, p};
  }
  switch (q) {
    case '?':
      if (const char* res = Match(s + 1, ep + 1)) return Progress{true, res, p};
      return Progress{false, s, ep + 1};
    case '+':
      return Progress{true, MaxExpand(s + 1, p, ep), p};
    case '*':
      return Progress{true, MaxExpand(s, p, ep), p};
    case '-':
      return Progress{true, MinExpand(s, p, ep), p};
    default:
      return Progress{false, s + 1, ep};
  }
}

void LuaPattern::PushCapture(int i, size_t start, size_t end) {
  if (i >= level_) {
    if (i != 0) luaL_error(L_, "invalid capture index %%%d", i + 1);
    lua_pushlstring(L_, src_ + start, end - start);
    return;
  }
  const Capture& c = capture_[i];
  if (c.len == kUnfinished) luaL_error(L_, "unfinished capture");
  if (c.len == kPosition) {
    lua_pushinteger(L_, static_cast<lua_Integer>(c.start - src_ + 1));
  } else {
    lua_pushlstring(L_, c.start, static_cast<size_t>(c.len));
  }
}

int LuaPattern::PushCaptures(size_t start, size_t end, bool whole_if_none) {
  const int n = (level_ == 0 && whole_if_none) ? 1 : level_;
  luaL_checkstack(L_, n, "too many captures");
  for (int i = 0; i < n; i++) PushCapture(i, start, end);
  return n;
}

}  // namespace connaisseur::sandbox
