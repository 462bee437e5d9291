// ServeProcess: `connaisseur serve` (the test driver) as a child process over TLS on a free
// loopback port, with an HTTPS client that trusts the test CA. Started, probed and stopped by PID;
// stdout (the JSON log) goes to a file for failure messages.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/net/http_client.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/indent_lines.h"

namespace connaisseur::testing {

struct ServeOptions {
  std::string config_path;              // values.yaml
  std::string log_path;                 // where stdout goes
  std::vector<std::string> extra_args;  // e.g. {"--ready-timeout", "1"}
  std::vector<std::string> env;         // "NAME=value"
  // RLIMIT_AS of the server process (through prlimit(1)); 0: inherited.
  uint64_t address_space_limit_bytes = 0;
};

class ServeProcess {
 public:
  // Spawns serve and waits (bounded) until /health answers 200 (not /ready: tests of an
  // unreachable back-end need a server that is alive but not ready).
  static StatusOr<std::unique_ptr<ServeProcess>> Start(const TestCa& ca,
                                                       const ServeOptions& options);
  ~ServeProcess();  // SIGKILL by PID when still running

  StatusOr<net::HttpResponse> Get(const std::string& path);
  StatusOr<net::HttpResponse> Post(const std::string& path, std::string body,
                                   const std::string& content_type = "application/json");
  // POSTs `review` to /mutate and returns its `response` object (null after a transport error or
  // a non-200 answer, with the reason in `error`).
  nlohmann::json Mutate(const nlohmann::json& review, std::string* error);
  // SIGTERM, then waits; the exit status as waitpid reports it.
  StatusOr<int> Terminate();
  // Sends `signal` and returns at once.
  Status Signal(int signal);
  // True while the process has not exited (reaps it when it has).
  bool Running();
  std::string Log() const;
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  ServeProcess() = default;

  std::unique_ptr<net::HttpClient> client_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace connaisseur::testing
