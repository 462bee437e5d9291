#include "runtime/admission/bounded_parallel.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace connaisseur::admission {

void ForEachBounded(size_t n, size_t max_threads, const std::function<void(size_t)>& task) {
  std::atomic<size_t> next{0};
  auto drain = [&next, n, &task] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) task(i);
  };
  const size_t helpers = std::min(n, std::max<size_t>(max_threads, 1)) - (n > 0 ? 1 : 0);
  std::vector<std::jthread> threads;
  threads.reserve(helpers);
  for (size_t t = 0; t < helpers; ++t) {
    // std::thread's constructor is the one place here that throws (EAGAIN under thread
    // exhaustion); fewer helpers only means less parallelism, never a lost index.
    try {
      threads.emplace_back(drain);
    } catch (const std::system_error&) {
      break;
    }
  }
  drain();
  // ~jthread joins.
}

}  // namespace connaisseur::admission
