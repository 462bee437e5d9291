#include "tests/runtime/redis/redis_server_process.h"

#include <unistd.h>

#include "runtime/redis/redis_connection.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {
namespace {

constexpr char kBinary[] = "/usr/bin/redis-server";

}  // namespace

bool RedisServerProcess::Available() { return access(kBinary, X_OK) == 0; }

StatusOr<std::unique_ptr<RedisServerProcess>> RedisServerProcess::Start(const Options& options) {
  std::unique_ptr<RedisServerProcess> p(new RedisServerProcess(options));
  CN_ASSIGN_OR_RETURN(p->port_, FreeLoopbackPort());
  if (options.tls && TestCa::Shared() == nullptr) return UnavailableError("no test CA");
  CN_ASSIGN_OR_RETURN(p->process_,
                      ChildProcess::Start({p->Arguments(), "Ready to accept connections"}));
  return p;
}

std::vector<std::string> RedisServerProcess::Arguments() const {
  const std::string port = std::to_string(port_);
  std::vector<std::string> args = {kBinary, "--bind",       "127.0.0.1", "--save",
                                   "",      "--appendonly", "no",        "--daemonize",
                                   "no",    "--logfile",    ""};
  if (options_.tls) {
    const TestCa* ca = TestCa::Shared();
    args.insert(args.end(), {"--port", "0", "--tls-port", port, "--tls-cert-file",
                             ca->server_cert_path(), "--tls-key-file", ca->server_key_path(),
                             "--tls-ca-cert-file", ca->ca_cert_path(), "--tls-auth-clients", "no"});
  } else {
    args.insert(args.end(), {"--port", port});
  }
  if (!options_.password.empty()) args.insert(args.end(), {"--requirepass", options_.password});
  return args;
}

StatusOr<redis::Reply> RedisServerProcess::Command(const std::vector<std::string>& args) {
  const Deadline deadline = Deadline::In(std::chrono::seconds(5));
  redis::Endpoint endpoint{"127.0.0.1", port_, nullptr, options_.password};
  CN_ASSIGN_OR_RETURN(auto connection, redis::RedisConnection::Connect(endpoint, deadline));
  return connection->Command(args, deadline);
}

}  // namespace connaisseur::testing
