// Status and StatusOr<T>: expected failures as values (GCC 12 has no std::expected).
//
// A Status is either OK or a code plus a message that says what failed and where, e.g.
// "timestamp.json: signature by key 4f1c… does not verify; threshold 1 not met". Codes follow
// Abseil's meanings; kVerificationFailed is ours (signature, trust chain, digest mismatch).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace connaisseur {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input (image reference, YAML, JSON, trust data)
  kNotFound,            // no such image, tag, rule, validator, trust data
  kUnavailable,         // network / back-end failure; retrying may help
  kDeadlineExceeded,    // a deadline passed (request, script call, HTTP transfer)
  kResourceExhausted,   // sandbox or size limits (memory, instructions, body size)
  kVerificationFailed,  // signature, trust chain, digest or threshold check failed
  kPermissionDenied,    // authentication / authorisation failed
  kInternal,            // a bug or an unexpected library failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<CodeName>: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status VerificationFailedError(std::string m) {
  return {StatusCode::kVerificationFailed, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Holds a T or a non-OK Status. Reading value() of a non-OK StatusOr is a bug (asserted).
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "StatusOr built from an OK Status has no value");
    if (status_.ok()) status_ = InternalError("StatusOr constructed from OK status");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace connaisseur

// Returns early from the calling function when `expr` (a Status) is not OK.
#define CN_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::connaisseur::Status cn_status_ = (expr); \
    if (!cn_status_.ok()) return cn_status_;   \
  } while (0)

#define CN_CONCAT_INNER(a, b) a##b
#define CN_CONCAT(a, b) CN_CONCAT_INNER(a, b)
// CN_ASSIGN_OR_RETURN(auto x, MakeX()): assigns the value or returns the Status.
#define CN_ASSIGN_OR_RETURN(lhs, expr) \
  CN_ASSIGN_OR_RETURN_IMPL(CN_CONCAT(cn_statusor_, __LINE__), lhs, expr)
#define CN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
