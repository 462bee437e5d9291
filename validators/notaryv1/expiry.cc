#include "validators/notaryv1/expiry.h"

#include <cctype>

namespace connaisseur::notaryv1 {

namespace {

// Reads exactly `n` digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char want) {
  if (*pos >= s.size()) return false;
  char c = static_cast<char>(std::toupper(static_cast<unsigned char>(s[*pos])));
  if (c != want) return false;
  ++*pos;
  return true;
}

}  // namespace

StatusOr<SystemTime> ParseRfc3339(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError("invalid RFC 3339 time \"" + std::string(text.substr(0, 64)) +
                                "\"");
  };
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &month) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &day) || !Expect(text, &pos, 'T') ||
      !Digits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &second)) {
    return bad();
  }
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t nanos = 0;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 9) return bad();
      nanos = nanos * 10 + (text[pos++] - '0');
    }
    if (digits == 0) return bad();
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
    fraction = std::chrono::nanoseconds(nanos);
  }
  std::chrono::minutes offset{0};
  if (Expect(text, &pos, 'Z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos++] == '+' ? 1 : -1;
    int oh, om;
    if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &om) ||
        oh > 23 || om > 59) {
      return bad();
    }
    offset = std::chrono::minutes(sign * (oh * 60 + om));
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return bad();
  // In whole seconds first: system_clock counts nanoseconds in 64 bits, so years after 2262 (or
  // before 1678) do not fit, and converting them would overflow. They are clamped instead: an
  // expiry past the range is later than any `now`, one before it earlier.
  using std::chrono::seconds;
  const seconds since_epoch = (std::chrono::sys_days(ymd) + std::chrono::hours(hour) +
                               std::chrono::minutes(minute) + seconds(second) - offset)
                                  .time_since_epoch();
  constexpr seconds kLatest =
      std::chrono::duration_cast<seconds>(SystemTime::duration::max()) - seconds(1);
  constexpr seconds kEarliest =
      std::chrono::duration_cast<seconds>(SystemTime::duration::min()) + seconds(1);
  if (since_epoch >= kLatest) return SystemTime::max();
  if (since_epoch <= kEarliest) return SystemTime::min();
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(since_epoch + fraction));
}

}  // namespace connaisseur::notaryv1
