// Glob compilation (pattern → tokens → bit-parallel NFA tables) and matching.
#include "runtime/matching/glob.h"

#include <bitset>
#include <cstdio>
#include <string>
#include <unordered_map>

namespace connaisseur::matching {
namespace {

// Compile adds at most two tokens to a pattern of kMaxPatternLength bytes; one more bit for
// the accepting state.
constexpr size_t kMaxTokens = Glob::kMaxPatternLength + 2;
constexpr size_t kMaxWords = (kMaxTokens + 1 + 63) / 64;

// One pattern position: `*`, or a matcher for exactly one byte.
struct Token {
  bool star = false;
  std::bitset<256> bytes;  // for a non-star token, the bytes it accepts
  int literal = -1;        // the one byte of a plain or escaped literal, else -1
  bool negated = false;    // a `[!...]` class: `bytes` is the complement of the listed set
};

Status PatternError(std::string_view pattern, std::string reason) {
  return InvalidArgumentError("invalid pattern \"" + std::string(pattern.substr(0, 80)) +
                              (pattern.size() > 80 ? "..." : "") + "\": " + reason);
}

void AppendStar(std::vector<Token>* tokens) {
  // `**` means the same as `*`; keeping stars apart lets Match close over them in one shift.
  if (tokens->empty() || !tokens->back().star) tokens->push_back(Token{true, {}});
}

// Reads one possibly escaped byte at *i for a character class.
bool ReadClassByte(std::string_view p, size_t* i, unsigned char* out) {
  if (*i >= p.size()) return false;
  if (p[*i] == '\\') {
    if (*i + 1 >= p.size()) return false;
    ++*i;
  }
  *out = static_cast<unsigned char>(p[*i]);
  ++*i;
  return true;
}

// Parses `[...]` with *i just past the '['; leaves *i just past the ']'.
Status ParseClass(std::string_view p, size_t* i, std::bitset<256>* set, bool* negate) {
  *negate = false;
  if (*i < p.size() && p[*i] == '!') {
    *negate = true;
    ++*i;
  }
  bool first = true;
  while (true) {
    if (*i >= p.size()) return PatternError(p, "unterminated character class");
    if (p[*i] == ']' && !first) {
      ++*i;
      break;
    }
    first = false;
    unsigned char lo = 0, hi = 0;
    if (!ReadClassByte(p, i, &lo)) return PatternError(p, "unterminated character class");
    hi = lo;
    // `a-z` is a range; a '-' right before the closing ']' is a member.
    if (*i + 1 < p.size() && p[*i] == '-' && p[*i + 1] != ']') {
      ++*i;
      if (!ReadClassByte(p, i, &hi)) return PatternError(p, "unterminated character class");
      if (hi < lo) return PatternError(p, "character range is reversed");
    }
    for (unsigned c = lo; c <= hi; ++c) set->set(c);
  }
  if (*negate) set->flip();
  return Status::Ok();
}

StatusOr<std::vector<Token>> Tokenize(std::string_view p) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '*') {
      AppendStar(&tokens);
      ++i;
      continue;
    }
    Token t;
    if (c == '?') {
      t.bytes.set();
      ++i;
    } else if (c == '[') {
      ++i;
      CN_RETURN_IF_ERROR(ParseClass(p, &i, &t.bytes, &t.negated));
    } else if (c == '\\') {
      if (i + 1 >= p.size()) return PatternError(p, "pattern ends with '\\'");
      t.literal = static_cast<unsigned char>(p[i + 1]);
      t.bytes.set(static_cast<unsigned char>(p[i + 1]));
      i += 2;
    } else {
      t.literal = static_cast<unsigned char>(c);
      t.bytes.set(static_cast<unsigned char>(c));
      ++i;
    }
    tokens.push_back(t);
  }
  return tokens;
}

// docs/configuration.md "Policy rules": the implicit tag applies when the last '/'-component, as
// written, holds neither ':' nor '@'. Textual on purpose, so scripts/default.lua can say the same
// in one line.
bool NeedsImplicitTag(std::string_view pattern) {
  const size_t slash = pattern.rfind('/');
  const std::string_view last =
      slash == std::string_view::npos ? pattern : pattern.substr(slash + 1);
  return last.find_first_of(":@") == std::string_view::npos;
}

bool IsAsciiLetter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The longest run of literal tokens every matching text contains byte for byte: a substring
// search then rejects most texts before the NFA runs (wildcard-first rules such as
// `*/team/app:*` escape the prefix index and would otherwise run for every image). With a
// case-insensitive host, a letter may meet the host unless a literal '/' precedes it (that '/'
// matched a text '/', so every later byte is past the host); such letters end a run.
std::string RequiredInfix(const std::vector<Token>& tokens, bool host_case_insensitive) {
  std::string best, run;
  bool past_host = !host_case_insensitive;
  for (const Token& t : tokens) {
    if (t.literal == '/') past_host = true;
    if (t.literal >= 0 && (past_host || !IsAsciiLetter(t.literal))) {
      run += static_cast<char>(t.literal);
      if (run.size() > best.size()) best = run;
    } else {
      run.clear();
    }
  }
  return best;
}

// The bytes a token accepts from the case-insensitive host: a letter when either of its cases
// is listed. A `[!...]` class folds its listed set before the complement, so `[!r]` refuses
// both 'r' and 'R' there, as a case-insensitive regular expression's `[^r]` does.
std::bitset<256> HostBytes(const Token& t) {
  std::bitset<256> listed = t.negated ? ~t.bytes : t.bytes;
  for (unsigned c = 'a'; c <= 'z'; ++c) {
    const unsigned upper = c - 'a' + 'A';
    if (listed.test(c) || listed.test(upper)) {
      listed.set(c);
      listed.set(upper);
    }
  }
  return t.negated ? ~listed : listed;
}

// rows[c * words + w], bit i: token i accepts byte c (a host byte when `host`). A literal
// touches one row (two for a host letter), so building a typical rule pattern costs a few
// microseconds.
std::vector<uint64_t> AcceptRows(const std::vector<Token>& tokens, size_t words, bool host) {
  std::vector<uint64_t> rows(256 * words, 0);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const uint64_t bit = uint64_t{1} << (i % 64);
    if (t.star) continue;
    if (t.literal >= 0 && !(host && IsAsciiLetter(t.literal))) {
      rows[static_cast<size_t>(t.literal) * words + i / 64] |= bit;
      continue;
    }
    const std::bitset<256> bytes = host ? HostBytes(t) : t.bytes;
    for (unsigned c = 0; c < 256; ++c) {
      if (bytes.test(c)) rows[c * words + i / 64] |= bit;
    }
  }
  return rows;
}

// One transition row per distinct row: bytes the pattern cannot tell apart share a class.
// Class 0 is the all-zero row of the bytes no token names, which are most of them.
class RowInterner {
 public:
  // Appends each new row to *accept, which it starts with the zero row.
  RowInterner(size_t words, std::vector<uint64_t>* accept) : words_(words), accept_(accept) {
    accept_->assign(words_, 0);
    class_of_row_.emplace(std::string(words_ * sizeof(uint64_t), '\0'), 0);
  }

  // Sets (*classes)[c] to the class of row c of `rows` (256 rows of words_ words).
  void Assign(const std::vector<uint64_t>& rows, std::array<uint16_t, 256>* classes) {
    for (unsigned c = 0; c < 256; ++c) {
      const uint64_t* row = &rows[c * words_];
      uint64_t any = 0;
      for (size_t w = 0; w < words_; ++w) any |= row[w];
      if (any == 0) {
        (*classes)[c] = 0;
        continue;
      }
      std::string key(reinterpret_cast<const char*>(row), words_ * sizeof(uint64_t));
      auto [it, inserted] =
          class_of_row_.emplace(std::move(key), static_cast<uint16_t>(class_of_row_.size()));
      if (inserted) accept_->insert(accept_->end(), row, row + words_);
      (*classes)[c] = it->second;
    }
  }

 private:
  const size_t words_;
  std::vector<uint64_t>* accept_;  // borrowed, the Glob's table
  std::unordered_map<std::string, uint16_t> class_of_row_;
};

}  // namespace

StatusOr<Glob> Glob::Compile(std::string_view pattern, Options options) {
  if (pattern.empty()) return PatternError(pattern, "pattern is empty");
  if (pattern.size() > kMaxPatternLength) {
    return PatternError(pattern, "pattern is " + std::to_string(pattern.size()) +
                                     " bytes, the limit is " + std::to_string(kMaxPatternLength));
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    const auto c = static_cast<unsigned char>(pattern[i]);
    if (c <= 0x20 || c == 0x7f) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "byte 0x%02x at offset %zu is not allowed", c, i);
      return PatternError(pattern, buf);
    }
  }
  CN_ASSIGN_OR_RETURN(std::vector<Token> body, Tokenize(pattern));

  std::vector<Token> tokens;
  if (options.unanchored) AppendStar(&tokens);
  for (const Token& t : body) {
    if (t.star) {
      AppendStar(&tokens);
    } else {
      tokens.push_back(t);
    }
  }
  if (options.unanchored) {
    AppendStar(&tokens);
  } else if (options.implicit_tag && NeedsImplicitTag(pattern)) {
    Token tag_separator;  // `<pattern>:*` or `<pattern>@*` is `<pattern>[:@]*`
    tag_separator.bytes.set(':');
    tag_separator.bytes.set('@');
    tokens.push_back(tag_separator);
    AppendStar(&tokens);
  }

  Glob g;
  g.pattern_ = std::string(pattern);
  for (const Token& t : tokens) {
    if (t.literal < 0) break;
    g.literal_prefix_ += static_cast<char>(t.literal);
  }
  g.required_infix_ = RequiredInfix(tokens, options.host_case_insensitive);
  g.final_ = tokens.size();
  g.words_ = (tokens.size() + 1 + 63) / 64;
  g.star_.assign(g.words_, 0);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].star) g.star_[i / 64] |= uint64_t{1} << (i % 64);
  }
  RowInterner interner(g.words_, &g.accept_);
  interner.Assign(AcceptRows(tokens, g.words_, /*host=*/false), &g.byte_class_);
  if (options.host_case_insensitive) {
    interner.Assign(AcceptRows(tokens, g.words_, /*host=*/true), &g.host_byte_class_);
  } else {
    g.host_byte_class_ = g.byte_class_;
  }
  return g;
}

bool Glob::Match(std::string_view text) const {
  if (text.size() < required_infix_.size()) return false;
  if (required_infix_.size() > 1 && text.find(required_infix_) == std::string_view::npos) {
    return false;
  }
  uint64_t cur[kMaxWords] = {}, next[kMaxWords];
  const uint64_t* star = star_.data();
  const size_t n = words_;
  // A star may match the empty string: from state i (a star) also enter state i+1. Stars are
  // never adjacent, so one shift closes the set.
  auto close = [&](uint64_t* s) {
    uint64_t carry = 0;
    for (size_t w = 0; w < n; ++w) {
      const uint64_t from_star = s[w] & star[w];
      s[w] |= (from_star << 1) | carry;
      carry = from_star >> 63;
    }
  };
  cur[0] = 1;
  close(cur);
  // The host is the text before its first '/' (all of it when it has none); '/' itself has the
  // same class in both tables.
  const uint16_t* classes = host_byte_class_.data();
  for (char c : text) {
    const auto ch = static_cast<unsigned char>(c);
    const uint64_t* accept = &accept_[classes[ch] * n];
    if (ch == '/') classes = byte_class_.data();
    uint64_t carry = 0, any = 0;
    for (size_t w = 0; w < n; ++w) {
      // A one-byte token that accepts ch advances; a star consumes ch and stays.
      const uint64_t advance = cur[w] & accept[w];
      next[w] = (advance << 1) | carry | (cur[w] & star[w]);
      carry = advance >> 63;
    }
    close(next);
    for (size_t w = 0; w < n; ++w) {
      cur[w] = next[w];
      any |= cur[w];
    }
    if (any == 0) return false;
  }
  return (cur[final_ / 64] >> (final_ % 64)) & 1;
}

}  // namespace connaisseur::matching
