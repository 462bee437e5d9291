#include "tests/integration/webhook/serve_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/runtime/net/test_ca.h"
#include "tests/testing/child_process.h"

namespace connaisseur::testing {

StatusOr<std::unique_ptr<ServeProcess>> ServeProcess::Start(const TestCa& ca,
                                                            const ServeOptions& options) {
  std::unique_ptr<ServeProcess> serve(new ServeProcess());
  serve->log_path_ = options.log_path;
  CN_ASSIGN_OR_RETURN(serve->port_, FreeLoopbackPort());
  net::TlsOptions tls;
  tls.extra_ca_pem = ca.ca_cert_pem();
  CN_ASSIGN_OR_RETURN(serve->client_, net::HttpClient::Create(tls));

  std::vector<std::string> args = {CN_WEBHOOK_DRIVER, "serve",
                                   "--config",        options.config_path,
                                   "--tls-cert",      ca.server_cert_path(),
                                   "--tls-key",       ca.server_key_path(),
                                   "--listen",        "127.0.0.1:" + std::to_string(serve->port_)};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  if (options.address_space_limit_bytes > 0) {
    args.insert(args.begin(), {"/usr/bin/prlimit",
                               "--as=" + std::to_string(options.address_space_limit_bytes), "--"});
  }
  // Killed with the test process, even when it dies without running ~ServeProcess: an orphaned
  // server would hold the test runner's output pipe open, and a crash would look like a hang.
  args.insert(args.begin(), {"/usr/bin/setpriv", "--pdeathsig", "KILL", "--"});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = options.env;
  std::vector<char*> env;
  for (std::string& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, options.log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int rc = posix_spawn(&serve->pid_, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return UnavailableError("cannot spawn " + args[0]);

  // Bounded wait for the listener: 400 × 25 ms.
  for (int i = 0; i < 400; ++i) {
    auto r = serve->Get("/health");
    if (r.ok() && r->status == 200) return serve;
    int status = 0;
    if (waitpid(serve->pid_, &status, WNOHANG) == serve->pid_) {
      serve->pid_ = -1;
      return UnavailableError("serve exited during start: " + serve->Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return DeadlineExceededError("serve did not answer /health: " + serve->Log());
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

StatusOr<net::HttpResponse> ServeProcess::Get(const std::string& path) {
  net::HttpRequest req;
  req.method = "GET";
  req.url = "https://127.0.0.1:" + std::to_string(port_) + path;
  req.deadline = Deadline::In(std::chrono::seconds(15));
  return client_->Send(req);
}

StatusOr<net::HttpResponse> ServeProcess::Post(const std::string& path, std::string body,
                                               const std::string& content_type) {
  net::HttpRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(port_) + path;
  req.body = std::move(body);
  req.headers = {{"Content-Type", content_type}};
  req.deadline = Deadline::In(std::chrono::seconds(30));
  return client_->Send(req);
}

nlohmann::json ServeProcess::Mutate(const nlohmann::json& review, std::string* error) {
  auto r = Post("/mutate", review.dump());
  if (!r.ok()) {
    *error = r.status().ToString();
    return nullptr;
  }
  if (r->status != 200) {
    *error = std::to_string(r->status) + " " + r->body;
    return nullptr;
  }
  nlohmann::json doc = nlohmann::json::parse(r->body, nullptr, false);
  if (doc.is_discarded() || !doc.contains("response")) {
    *error = "not an AdmissionReview: " + r->body;
    return nullptr;
  }
  return doc["response"];
}

StatusOr<int> ServeProcess::Terminate() {
  if (pid_ <= 0) return InternalError("not running");
  if (kill(pid_, SIGTERM) != 0) return UnavailableError("kill failed");
  int status = 0;
  const pid_t waited = waitpid(pid_, &status, 0);
  pid_ = -1;
  if (waited <= 0) return UnavailableError("waitpid failed");
  return status;
}

Status ServeProcess::Signal(int signal) {
  if (pid_ <= 0) return InternalError("not running");
  if (kill(pid_, signal) != 0) return UnavailableError("kill failed");
  return Status::Ok();
}

bool ServeProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  return false;
}

std::string ServeProcess::Log() const {
  auto text = ReadFile(log_path_);
  return text.ok() ? *text : "<no log>";
}

}  // namespace connaisseur::testing
