// Turns the thread's OpenSSL error queue into text, leaving the queue empty.
#pragma once

#include <string>
#include <string_view>

namespace connaisseur::crypto {

// "<what>: <first queued OpenSSL reason>" (or just `what` when the queue is empty). Always
// drains the queue so a stale error never leaks into a later, unrelated message.
std::string DrainOpenSslErrors(std::string_view what);

}  // namespace connaisseur::crypto
