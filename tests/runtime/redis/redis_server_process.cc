#include "tests/runtime/redis/redis_server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "runtime/redis/redis_connection.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {
namespace {

constexpr char kBinary[] = "/usr/bin/redis-server";

// A port that was free a moment ago on 127.0.0.1.
StatusOr<int> UnusedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return UnavailableError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!bound) return UnavailableError("bind failed");
  return static_cast<int>(ntohs(addr.sin_port));
}

}  // namespace

bool RedisServerProcess::Available() { return access(kBinary, X_OK) == 0; }

StatusOr<std::unique_ptr<RedisServerProcess>> RedisServerProcess::Start(const Options& options) {
  std::unique_ptr<RedisServerProcess> p(new RedisServerProcess(options));
  CN_ASSIGN_OR_RETURN(p->port_, UnusedLoopbackPort());
  CN_RETURN_IF_ERROR(p->Launch());
  return p;
}

Status RedisServerProcess::Launch() {
  const std::string port = std::to_string(port_);
  std::vector<std::string> args = {kBinary, "--bind",       "127.0.0.1", "--save",
                                   "",      "--appendonly", "no",        "--daemonize",
                                   "no",    "--logfile",    ""};
  if (options_.tls) {
    const TestCa* ca = TestCa::Shared();
    if (ca == nullptr) return UnavailableError("no test CA");
    args.insert(args.end(), {"--port", "0", "--tls-port", port, "--tls-cert-file",
                             ca->server_cert_path(), "--tls-key-file", ca->server_key_path(),
                             "--tls-ca-cert-file", ca->ca_cert_path(), "--tls-auth-clients", "no"});
  } else {
    args.insert(args.end(), {"--port", port});
  }
  if (!options_.password.empty()) args.insert(args.end(), {"--requirepass", options_.password});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return UnavailableError("pipe failed");
  pid_ = fork();
  if (pid_ < 0) return UnavailableError("fork failed");
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    execv(kBinary, argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  log_fd_ = pipe_fds[0];
  // Wait for "Ready to accept connections", bounded by 30 s; poll() blocks, nothing sleeps.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string log;
  while (log.find("Ready to accept connections") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          until - std::chrono::steady_clock::now())
                          .count();
    pollfd pfd{log_fd_, POLLIN, 0};
    if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      return UnavailableError("redis-server did not start: " + log);
    }
    char buf[4096];
    const ssize_t n = read(log_fd_, buf, sizeof(buf));
    if (n <= 0) return UnavailableError("redis-server exited: " + log);
    log.append(buf, static_cast<size_t>(n));
  }
  const int fd = log_fd_;  // keep reading so redis never blocks on a full pipe
  log_drain_ = std::thread([fd] {
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
  });
  return Status();
}

void RedisServerProcess::Kill() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (log_drain_.joinable()) log_drain_.join();  // EOF once redis is gone
  if (log_fd_ >= 0) close(log_fd_);
  log_fd_ = -1;
}

RedisServerProcess::~RedisServerProcess() { Kill(); }

StatusOr<redis::Reply> RedisServerProcess::Command(const std::vector<std::string>& args) {
  const Deadline deadline = Deadline::In(std::chrono::seconds(5));
  redis::Endpoint endpoint{"127.0.0.1", port_, nullptr, options_.password};
  CN_ASSIGN_OR_RETURN(auto connection, redis::RedisConnection::Connect(endpoint, deadline));
  return connection->Command(args, deadline);
}

}  // namespace connaisseur::testing
