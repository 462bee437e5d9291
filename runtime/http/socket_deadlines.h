// SocketDeadlines: ends reads on a socket that outlive their deadline.
//
// civetweb's mg_read keeps reading as long as each piece arrives within request_timeout_ms, so a
// body sent a byte every few seconds holds its worker for as long as the client likes. An armed
// socket whose deadline passes is shut down for reading (from one timer thread), which ends the
// blocked read at once; writing the answer still works. Thread-safe.
//
// Arming wakes the timer thread only when the new deadline comes before the one it sleeps until:
// deadlines armed per request are almost always later, and a wake-up per request cost a context
// switch on every request (BENCHMARKS.md "Webhook").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace connaisseur::http {

class SocketDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  SocketDeadlines();
  ~SocketDeadlines();  // stops the timer thread
  SocketDeadlines(const SocketDeadlines&) = delete;
  SocketDeadlines& operator=(const SocketDeadlines&) = delete;

  // Disarms on destruction; until then, `fd` is shut down for reading once `deadline` passes.
  // The caller keeps `fd` open while the guard lives.
  class Armed {
   public:
    Armed(SocketDeadlines* owner, uint64_t id) : owner_(owner), id_(id) {}
    ~Armed();
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;
    // True once the deadline shut the socket down.
    bool expired() const;

   private:
    SocketDeadlines* owner_;
    uint64_t id_;
  };

  // `fd` < 0 arms nothing (expired() stays false).
  Armed Arm(int fd, Clock::time_point deadline);

  // How often the timer thread has woken up, since start (tests).
  uint64_t wakeups() const;

 private:
  struct Entry {
    int fd;
    Clock::time_point deadline;
    bool fired = false;
  };
  void Run();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<uint64_t, Entry> entries_;  // guarded by mu_
  uint64_t next_id_ = 1;               // guarded by mu_
  // When the timer thread wakes up next on its own (max: only when notified); guarded by mu_.
  Clock::time_point wake_at_ = Clock::time_point::max();
  uint64_t wakeups_ = 0;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread timer_;
};

}  // namespace connaisseur::http
