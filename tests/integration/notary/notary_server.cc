#include "tests/integration/notary/notary_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/public_key.h"
#include "runtime/net/http_client.h"

extern char** environ;

namespace connaisseur::testing {

namespace {

constexpr char kEnv[] =
    "NOTARY_ROOT_PASSPHRASE=rootpass NOTARY_TARGETS_PASSPHRASE=targetspass "
    "NOTARY_SNAPSHOT_PASSPHRASE=snapshotpass NOTARY_DELEGATION_PASSPHRASE=delegationpass ";

bool OnPath(const std::string& name) { return RunCommand("command -v " + name, "/dev/null").ok(); }

// A port that was free a moment ago (the server binds it right after).
StatusOr<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return InternalError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port < 0) return InternalError("no free port");
  return port;
}

std::string SpkiPem(const std::string& der) {
  std::string b64 = crypto::Base64Encode(der), pem = "-----BEGIN PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END PUBLIC KEY-----\n";
}

}  // namespace

bool NotaryServer::Available() { return OnPath("notary-server") && OnPath("notary"); }

StatusOr<std::unique_ptr<NotaryServer>> NotaryServer::Start(const TestCa& ca) {
  std::unique_ptr<NotaryServer> s(new NotaryServer());
  CN_ASSIGN_OR_RETURN(s->dir_, MakeTempDir("cn-notary"));
  CN_ASSIGN_OR_RETURN(s->port_, FreePort());
  nlohmann::json server = {{"server",
                            {{"http_addr", "127.0.0.1:" + std::to_string(s->port_)},
                             {"tls_cert_file", ca.server_cert_path()},
                             {"tls_key_file", ca.server_key_path()}}},
                           {"trust_service", {{"type", "local"}, {"hostname", ""}, {"port", ""}}},
                           {"logging", {{"level", "info"}}},
                           {"storage", {{"backend", "memory"}}}};
  CN_RETURN_IF_ERROR(WriteFile(s->dir_ + "/server.json", server.dump()));
  nlohmann::json client = {{"trust_dir", s->dir_ + "/trust"},
                           {"remote_server", {{"url", s->url()}, {"root_ca", ca.ca_cert_path()}}}};
  std::filesystem::create_directories(s->dir_ + "/trust");
  CN_RETURN_IF_ERROR(WriteFile(s->dir_ + "/client.json", client.dump()));

  const std::string config = s->dir_ + "/server.json", log = s->dir_ + "/server.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const char* argv[] = {"notary-server", "-config", config.c_str(), nullptr};
  int rc = posix_spawnp(&s->pid_, "notary-server", &actions, nullptr,
                        const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return InternalError("cannot start notary-server");

  // Ready when the health endpoint answers 200; bounded, and failing fast if the server died.
  CN_ASSIGN_OR_RETURN(auto http, net::HttpClient::Create({.extra_ca_pem = ca.ca_cert_pem()}));
  Deadline ready_by = Deadline::In(std::chrono::seconds(20));
  while (!ready_by.expired()) {
    auto health = http->Send({.url = s->url() + "/_notary_server/health",
                              .deadline = Deadline::In(std::chrono::seconds(2))});
    if (health.ok() && health->status == 200) return s;
    if (::waitpid(s->pid_, nullptr, WNOHANG) == s->pid_) {
      s->pid_ = -1;
      auto text = ReadFile(log);
      return InternalError("notary-server exited: " + (text.ok() ? *text : ""));
    }
    std::this_thread::yield();
  }
  return DeadlineExceededError("notary-server not healthy within 20 s");
}

NotaryServer::~NotaryServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

Status NotaryServer::Notary(const std::string& args) const {
  return RunCommand(std::string(kEnv) + "notary -c '" + dir_ + "/client.json' " + args,
                    dir_ + "/client.log");
}

StatusOr<std::string> NotaryServer::File(const std::string& name,
                                         const std::string& content) const {
  std::string path = dir_ + "/" + name;
  CN_RETURN_IF_ERROR(WriteFile(path, content));
  return path;
}

Status NotaryServer::InitAndSign(const std::string& gun, const std::string& tag,
                                 const std::string& content) {
  CN_ASSIGN_OR_RETURN(std::string path, File("target-" + tag, content));
  CN_RETURN_IF_ERROR(Notary("init " + gun + " -p"));
  CN_RETURN_IF_ERROR(Notary("add " + gun + " " + tag + " '" + path + "'"));
  return Notary("publish " + gun);
}

StatusOr<std::string> NotaryServer::RootPublicKeyPem(const std::string& gun) const {
  CN_ASSIGN_OR_RETURN(std::string raw,
                      ReadFile(dir_ + "/trust/tuf/" + gun + "/metadata/root.json"));
  auto root = nlohmann::json::parse(raw, nullptr, false);
  if (root.is_discarded()) return InternalError("root.json does not parse");
  std::string id = root["signed"]["roles"]["root"]["keyids"][0].get<std::string>();
  std::string b64 = root["signed"]["keys"][id]["keyval"]["public"].get<std::string>();
  CN_ASSIGN_OR_RETURN(std::string cert, crypto::Base64Decode(b64));
  CN_ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromCertificatePem(cert));
  return SpkiPem(key.spki_der());
}

}  // namespace connaisseur::testing
