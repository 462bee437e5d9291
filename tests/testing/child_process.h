// ChildProcess: a real server (docker-registry, redis-server, ...) run by a test as a child
// process: stdout and stderr go to a pipe, Start returns once a line saying it is ready shows up
// in that output (bounded), and the output is drained afterwards so the child never blocks on a
// full pipe. The destructor kills (SIGKILL) and reaps it. Tests that need a back-end to hang
// instead of fail use Pause/Resume (SIGSTOP/SIGCONT).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::testing {

// A port that was free on 127.0.0.1 a moment ago (bind port 0, read it back, close); the caller
// has the server bind it right after.
StatusOr<int> FreeLoopbackPort();

class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;  // argv[0] is the executable's path
    std::string ready_marker;       // text the child prints once it serves
    std::chrono::milliseconds ready_timeout = std::chrono::seconds(30);
  };

  // Errors: kUnavailable with the child's output so far when it exits or stays silent.
  static StatusOr<std::unique_ptr<ChildProcess>> Start(Options options);
  ~ChildProcess();  // Kill()

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // SIGKILL, then reaps it. Idempotent.
  void Kill();
  // SIGSTOP / SIGCONT: a paused server accepts connections (the kernel does) but never answers.
  void Pause();
  void Resume();

 private:
  ChildProcess() = default;
  Status WaitUntilReady(const Options& options);

  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::thread drain_;
};

}  // namespace connaisseur::testing
