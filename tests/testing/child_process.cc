#include "tests/testing/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace connaisseur::testing {

StatusOr<int> FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return UnavailableError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!bound) return UnavailableError("no free port on 127.0.0.1");
  return static_cast<int>(ntohs(addr.sin_port));
}

StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(Options options) {
  if (options.argv.empty()) return InvalidArgumentError("no program to run");
  std::vector<char*> argv;
  for (std::string& a : options.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return UnavailableError("pipe failed");
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = fork();
  if (child->pid_ < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return UnavailableError("fork failed");
  }
  if (child->pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  child->output_fd_ = pipe_fds[0];
  CN_RETURN_IF_ERROR(child->WaitUntilReady(options));
  return child;
}

// Reads the output until the marker shows up; poll() blocks, nothing sleeps.
Status ChildProcess::WaitUntilReady(const Options& options) {
  const std::string& name = options.argv[0];
  const auto until = std::chrono::steady_clock::now() + options.ready_timeout;
  std::string output;
  while (output.find(options.ready_marker) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          until - std::chrono::steady_clock::now())
                          .count();
    pollfd pfd{output_fd_, POLLIN, 0};
    if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      return UnavailableError(name + " did not start: " + output);
    }
    char buf[4096];
    const ssize_t n = read(output_fd_, buf, sizeof(buf));
    if (n <= 0) return UnavailableError(name + " exited: " + output);
    output.append(buf, static_cast<size_t>(n));
  }
  const int fd = output_fd_;
  drain_ = std::thread([fd] {
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
  });
  return Status::Ok();
}

void ChildProcess::Kill() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (drain_.joinable()) drain_.join();  // EOF once the child is gone
  if (output_fd_ >= 0) close(output_fd_);
  output_fd_ = -1;
}

void ChildProcess::Pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void ChildProcess::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

ChildProcess::~ChildProcess() { Kill(); }

}  // namespace connaisseur::testing
