// ForEachBounded: runs task(0..n-1) on up to `max_threads` threads, the caller's included, and
// returns when every index ran. Used for the validator calls of one request (webhook.md §3): they
// wait on the network, so a Pod with N images on slow back-ends should take about the slowest
// call, not the sum. Short-lived threads rather than a shared pool: a pool shared by all requests
// would let one request's slow images queue behind another's, and a request with one image (the
// common case) never starts a thread.
#pragma once

#include <cstddef>
#include <functional>

namespace connaisseur::admission {

// Indices are handed out in increasing order; which thread runs which index is unspecified. When
// the system refuses a thread, the remaining work runs on the threads already started.
void ForEachBounded(size_t n, size_t max_threads, const std::function<void(size_t)>& task);

}  // namespace connaisseur::admission
