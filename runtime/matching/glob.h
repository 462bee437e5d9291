// Glob: a compiled shell-style pattern over a whole string (docs/configuration.md "Policy rules").
//
//   `*`        any sequence of bytes, '/' included
//   `?`        exactly one byte
//   `[abc]`    one byte of the set; `[a-z]` ranges; `[!...]` the complement; a `]` right after
//              `[` or `[!` is a member; `\` escapes inside a set too
//   `\c`       the byte c itself
//   else       the byte itself
//
// With Options::host_case_insensitive, the text's registry host (its bytes before the first '/',
// all of it when it has none) is compared case-insensitively, whatever pattern token meets it:
// host names are case-insensitive, so `Reg.IO/*` and `reg.io/*` both match `reg.io/x:1` and
// `Reg.IO/x:1`. A class lists a letter in both cases there (`[!r]` refuses 'r' and 'R').
// Every byte from the text's first '/' on (path, tag, digest) compares exactly.
//
// Matching is anchored at both ends and runs as a bit-parallel NFA: one pass over the text,
// O(len(text) * len(pattern) / 64) word operations, whatever the pattern (no backtracking, so
// `*a*a*a*a*b` against a long run of 'a' is as fast as any other input). Immutable after
// Compile; Match is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::matching {

class Glob {
 public:
  // Longest pattern accepted, in bytes. Rule patterns are image-name sized (a name is at most
  // 255 bytes plus tag and digest); the limit bounds the NFA at 9 machine words.
  static constexpr size_t kMaxPatternLength = 512;

  struct Options {
    // v3.10's implicit `*pattern*` (features.legacyUnanchoredMatching): matches anywhere.
    bool unanchored = false;
    // docs/configuration.md "Policy rules": when the text after the pattern's last '/' holds
    // neither ':' nor '@', the pattern also matches `<pattern>:*` and `<pattern>@*` (any tag, or a
    // digest-only image). Ignored when `unanchored` (its trailing `*` already covers both).
    bool implicit_tag = false;
    // Compare the text's host (see above) case-insensitively. A normalised image's first
    // component is always its registry, so this is the registry host rule of the README.
    bool host_case_insensitive = false;
  };

  // Fails with kInvalidArgument on an empty pattern, one longer than kMaxPatternLength, one
  // holding a space or control byte, an unterminated `[`, a reversed range or a trailing `\`.
  static StatusOr<Glob> Compile(std::string_view pattern, Options options);
  static StatusOr<Glob> Compile(std::string_view pattern) { return Compile(pattern, Options()); }

  // True iff the whole of `text` matches.
  bool Match(std::string_view text) const;

  // The pattern as written.
  const std::string& pattern() const { return pattern_; }
  // The bytes every matching text starts with ("docker.io/" for `docker.io/*:*`, "" for `*`).
  // With host_case_insensitive, its bytes before its first '/' (all when it has none) meet the
  // text's host, so a text starts with them up to ASCII case.
  const std::string& literal_prefix() const { return literal_prefix_; }
  // A run of bytes every matching text contains exactly, byte for byte (never meeting the
  // case-insensitive host): Match is false for a text without it, whatever else the text holds.
  // Empty when the pattern has no such run; one byte long at least otherwise.
  const std::string& required_infix() const { return required_infix_; }

 private:
  Glob() = default;

  std::string pattern_, literal_prefix_;
  // The longest literal run every matching text contains exactly (runs that may meet the
  // case-insensitive host are left out).
  std::string required_infix_;
  // NFA state i means "the first i tokens matched"; state `final_` accepts. A token is either
  // a star or a one-byte matcher. Bytes the pattern cannot tell apart share a class, so the
  // transition table is classes x words rather than 256 x words.
  size_t words_ = 0;
  size_t final_ = 0;
  // Up to 513 classes: the zero row, 256 rows for bytes and 256 for host bytes.
  std::array<uint16_t, 256> byte_class_{};
  // The class of each byte of the text's host: byte_class_ unless host_case_insensitive.
  std::array<uint16_t, 256> host_byte_class_{};
  std::vector<uint64_t> accept_;  // [class * words_ + w]: bit i = token i accepts the byte
  std::vector<uint64_t> star_;    // [w]: bit i = token i is a star
};

}  // namespace connaisseur::matching
