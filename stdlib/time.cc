// connaisseur.time: now() -> integer seconds since 1970-01-01T00:00:00Z (the wall clock);
// parse(text) -> seconds | nil, err for "YYYY-MM-DD" (midnight UTC) and RFC 3339 date-times
// ("YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)"). Together they let a policy compare against dates
// written in it ("this exemption ends on 2027-01-31") without any other clock access.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

// Days from 1970-01-01 to year-month-day in the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil), for any year 0..9999.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int64_t m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` decimal digits at `pos`, advancing it.
std::optional<int64_t> Digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// Seconds since the epoch of `s`, or nullopt when it is not one of the accepted forms.
std::optional<int64_t> ParseTime(std::string_view s) {
  size_t pos = 0;
  auto y = Digits(s, pos, 4);
  if (!y || !Expect(s, pos, '-')) return std::nullopt;
  auto mo = Digits(s, pos, 2);
  if (!mo || *mo < 1 || *mo > 12 || !Expect(s, pos, '-')) return std::nullopt;
  auto d = Digits(s, pos, 2);
  if (!d || *d < 1 || *d > DaysInMonth(*y, *mo)) return std::nullopt;
  int64_t seconds = DaysFromCivil(*y, *mo, *d) * 86400;
  if (pos == s.size()) return seconds;
  if (!Expect(s, pos, 'T') && !Expect(s, pos, 't')) return std::nullopt;
  auto h = Digits(s, pos, 2);
  if (!h || *h > 23 || !Expect(s, pos, ':')) return std::nullopt;
  auto mi = Digits(s, pos, 2);
  if (!mi || *mi > 59 || !Expect(s, pos, ':')) return std::nullopt;
  auto sec = Digits(s, pos, 2);
  if (!sec || *sec > 59) return std::nullopt;
  seconds += *h * 3600 + *mi * 60 + *sec;
  if (Expect(s, pos, '.')) {  // fractions of a second are accepted and dropped
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (Expect(s, pos, 'Z') || Expect(s, pos, 'z'))
    return pos == s.size() ? std::optional(seconds) : std::nullopt;
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const int64_t sign = s[pos++] == '+' ? 1 : -1;
  auto oh = Digits(s, pos, 2);
  if (!oh || *oh > 23 || !Expect(s, pos, ':')) return std::nullopt;
  auto om = Digits(s, pos, 2);
  if (!om || *om > 59 || pos != s.size()) return std::nullopt;
  return seconds - sign * (*oh * 3600 + *om * 60);  // local time minus its offset is UTC
}

int Now(lua_State* L) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  lua_pushinteger(L, std::chrono::duration_cast<std::chrono::seconds>(now).count());
  return 1;
}

int Parse(lua_State* L) {
  size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  // The longest accepted form is short; anything longer is not a time (and bounds the work).
  const std::optional<int64_t> seconds =
      len <= 64 ? ParseTime(std::string_view(text, len)) : std::nullopt;
  if (!seconds) {
    lua_pushnil(L);
    lua_pushliteral(L, "not a date (YYYY-MM-DD) or RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)");
    return 2;
  }
  lua_pushinteger(L, *seconds);
  return 1;
}

constexpr luaL_Reg kTime[] = {{"now", Now}, {"parse", Parse}, {nullptr, nullptr}};

}  // namespace

void OpenTime(lua_State* L) { RegisterModule(L, "time", kTime); }

}  // namespace connaisseur::stdlib
