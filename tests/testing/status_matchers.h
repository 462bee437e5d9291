// Matchers for Status / StatusOr in tests:
//   EXPECT_THAT(status, StatusIs(StatusCode::kVerificationFailed, HasSubstr("root")));
//   EXPECT_THAT(status_or, IsOk());
#pragma once

#include <gmock/gmock.h>

#include <ostream>
#include <string>

#include "runtime/status.h"

namespace connaisseur {

inline void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }
// Failed assertions on a StatusOr print its Status, not raw bytes.
template <typename T>
void PrintTo(const StatusOr<T>& s, std::ostream* os) {
  *os << (s.ok() ? std::string("OK (has value)") : s.status().ToString());
}

namespace testing_internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const StatusOr<T>& s) {
  return s.status();
}
}  // namespace testing_internal

MATCHER(IsOk, "is OK") {
  const Status& s = testing_internal::GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + std::string(StatusCodeName(code)) + " and a matching message") {
  const Status& s = testing_internal::GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::Matches(::testing::Matcher<const std::string&>(message_matcher))(s.message());
}

}  // namespace connaisseur
