// SocketDeadlines: a passed deadline shuts the socket down for reading (a blocked read ends), a
// disarmed one never does, and arming a deadline later than the one the timer sleeps until does
// not wake the timer thread (it did once per request).
#include "runtime/http/socket_deadlines.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace connaisseur::http {
namespace {

using Clock = SocketDeadlines::Clock;
using namespace std::chrono_literals;

// A connected pair of sockets, closed on destruction.
struct SocketPair {
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    close(fds[0]);
    close(fds[1]);
  }
  int fds[2] = {-1, -1};
};

TEST(SocketDeadlinesTest, APassedDeadlineEndsABlockedRead) {
  SocketDeadlines deadlines;
  SocketPair pair;
  const SocketDeadlines::Armed armed = deadlines.Arm(pair.fds[0], Clock::now() + 50ms);
  char byte = 0;
  EXPECT_EQ(read(pair.fds[0], &byte, 1), 0);  // blocks until the shutdown: end of stream
  EXPECT_TRUE(armed.expired());
}

TEST(SocketDeadlinesTest, ADisarmedDeadlineNeverFires) {
  SocketDeadlines deadlines;
  SocketPair pair;
  { const SocketDeadlines::Armed armed = deadlines.Arm(pair.fds[0], Clock::now() + 20ms); }
  std::this_thread::sleep_for(60ms);
  ASSERT_EQ(write(pair.fds[1], "x", 1), 1);
  char byte = 0;
  EXPECT_EQ(read(pair.fds[0], &byte, 1), 1);  // still readable: never shut down
}

TEST(SocketDeadlinesTest, LaterDeadlinesDoNotWakeTheTimer) {
  SocketDeadlines deadlines;
  SocketPair pair;
  const auto first = Clock::now() + 1h;
  const SocketDeadlines::Armed armed = deadlines.Arm(pair.fds[0], first);
  std::this_thread::sleep_for(20ms);  // the timer now sleeps until `first`
  const uint64_t woken = deadlines.wakeups();
  for (int i = 1; i <= 100; ++i) {  // armed and disarmed, as requests do
    const SocketDeadlines::Armed later =
        deadlines.Arm(pair.fds[0], first + std::chrono::seconds(i));
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(deadlines.wakeups(), woken);
  // A sooner deadline still wakes it, and fires.
  const SocketDeadlines::Armed soon = deadlines.Arm(pair.fds[0], Clock::now() + 10ms);
  char byte = 0;
  EXPECT_EQ(read(pair.fds[0], &byte, 1), 0);
  EXPECT_TRUE(soon.expired());
  EXPECT_GT(deadlines.wakeups(), woken);
}

}  // namespace
}  // namespace connaisseur::http
