// IsBackendFailure: whether a verification failed because its back-end could not be asked, as
// opposed to a back-end that answered and said no.
//
// Back-end failures are the transport and availability codes: kUnavailable (connection refused or
// reset, DNS, TLS handshake, 5xx, 429) and kDeadlineExceeded (a transfer or the request ran out of
// time). Everything else is an answer about the image: kVerificationFailed (signature, trust chain,
// digest), kInvalidArgument (malformed trust data or options), kNotFound (no signature, no trust
// data, no such tag), kPermissionDenied (credentials refused), kResourceExhausted (oversized
// answers), kInternal. The verification cache reuses back-end failures more briefly, and only
// they may be answered from a stale success (features.cache.staleIfError).
#pragma once

#include "runtime/status.h"

namespace connaisseur::validators {

inline bool IsBackendFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kDeadlineExceeded;
}

}  // namespace connaisseur::validators
