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
#include <vector>

#include "runtime/crypto/encoding.h"
#include "runtime/crypto/public_key.h"
#include "runtime/net/http_client.h"
#include "tests/testing/child_process.h"

extern char** environ;

namespace connaisseur::testing {

namespace {

constexpr char kEnv[] =
    "NOTARY_ROOT_PASSPHRASE=rootpass NOTARY_TARGETS_PASSPHRASE=targetspass "
    "NOTARY_SNAPSHOT_PASSPHRASE=snapshotpass NOTARY_DELEGATION_PASSPHRASE=delegationpass ";
// notary-signer encrypts the keys it holds with the passphrase of its default alias, given as
// NOTARY_SIGNER_<ALIAS>.
constexpr char kSignerAlias[] = "cnalias";
constexpr char kSignerAliasEnv[] = "NOTARY_SIGNER_CNALIAS=signerpass";

bool OnPath(const std::string& name) { return RunCommand("command -v " + name, "/dev/null").ok(); }

// True iff something accepts TCP connections on 127.0.0.1:`port`.
bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Starts `args` with stdout and stderr to `log` and `extra_env` added to our environment.
StatusOr<pid_t> Spawn(const std::vector<std::string>& args, const std::string& log,
                      const std::vector<std::string>& extra_env) {
  std::vector<char*> argv, envp;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const std::string& e : extra_env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return InternalError("cannot start " + args[0]);
  return pid;
}

// OK while `*pid` runs; once it has exited, clears it and returns its log.
Status StillRunning(pid_t* pid, const std::string& what, const std::string& log) {
  if (::waitpid(*pid, nullptr, WNOHANG) != *pid) return Status::Ok();
  *pid = -1;
  auto text = ReadFile(log);
  return InternalError(what + " exited: " + (text.ok() ? *text : ""));
}

void Stop(pid_t* pid) {
  if (*pid <= 0) return;
  ::kill(*pid, SIGTERM);
  ::waitpid(*pid, nullptr, 0);
  *pid = -1;
}

std::string SpkiPem(const std::string& der) {
  std::string b64 = crypto::Base64Encode(der), pem = "-----BEGIN PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END PUBLIC KEY-----\n";
}

}  // namespace

bool NotaryServer::Available(TrustService mode) {
  return OnPath("notary-server") && OnPath("notary") &&
         (mode == TrustService::kLocal || OnPath("notary-signer"));
}

// A private CA for the gRPC link, a signer certificate for 127.0.0.1 and a client certificate
// (clientAuth) for notary-server; then notary-signer on a free port, ready when it listens.
Status NotaryServer::StartSigner() {
  const std::string log = dir_ + "/openssl.log";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string cd = "cd '" + dir_ + "' && ";
  CN_RETURN_IF_ERROR(WriteFile(dir_ + "/signer.ext",
                               "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                               "extendedKeyUsage=serverAuth\n"));
  CN_RETURN_IF_ERROR(WriteFile(dir_ + "/client.ext", "extendedKeyUsage=clientAuth\n"));
  CN_RETURN_IF_ERROR(RunCommand(cd + "openssl req -x509 " + ec +
                                    " -keyout grpc-ca.key -out grpc-ca.crt -subj /CN=grpc-ca "
                                    "-days 2",
                                log));
  for (const char* name : {"signer", "client"}) {
    const std::string n = name;
    CN_RETURN_IF_ERROR(RunCommand(
        cd + "openssl req -new " + ec + " -keyout " + n + ".key -out " + n + ".csr -subj /CN=" + n,
        log));
    CN_RETURN_IF_ERROR(RunCommand(cd + "openssl x509 -req -in " + n +
                                      ".csr -CA grpc-ca.crt -CAkey grpc-ca.key -CAcreateserial "
                                      "-out " +
                                      n + ".crt -days 2 -extfile " + n + ".ext",
                                  log));
  }
  CN_ASSIGN_OR_RETURN(signer_port_, FreeLoopbackPort());
  nlohmann::json signer = {{"server",
                            {{"grpc_addr", "127.0.0.1:" + std::to_string(signer_port_)},
                             {"tls_cert_file", dir_ + "/signer.crt"},
                             {"tls_key_file", dir_ + "/signer.key"},
                             {"client_ca_file", dir_ + "/grpc-ca.crt"}}},
                           {"logging", {{"level", "info"}}},
                           {"storage", {{"backend", "memory"}, {"default_alias", kSignerAlias}}}};
  CN_RETURN_IF_ERROR(WriteFile(dir_ + "/signer.json", signer.dump()));
  const std::string signer_log = dir_ + "/signer.log";
  CN_ASSIGN_OR_RETURN(signer_pid_, Spawn({"notary-signer", "-config", dir_ + "/signer.json"},
                                         signer_log, {kSignerAliasEnv}));
  Deadline ready_by = Deadline::In(std::chrono::seconds(20));
  while (!ready_by.expired()) {
    if (Listening(signer_port_)) return Status::Ok();
    CN_RETURN_IF_ERROR(StillRunning(&signer_pid_, "notary-signer", signer_log));
    std::this_thread::yield();
  }
  return DeadlineExceededError("notary-signer not listening within 20 s");
}

StatusOr<std::unique_ptr<NotaryServer>> NotaryServer::Start(const TestCa& ca,
                                                            const NotaryServerOptions& options) {
  std::unique_ptr<NotaryServer> s(new NotaryServer());
  CN_ASSIGN_OR_RETURN(s->dir_, MakeTempDir("cn-notary"));
  CN_ASSIGN_OR_RETURN(s->port_, FreeLoopbackPort());
  s->client_credentials_ = options.client_credentials;
  nlohmann::json trust = {{"type", "local"}, {"hostname", ""}, {"port", ""}};
  if (options.trust_service == TrustService::kRemote) {
    CN_RETURN_IF_ERROR(s->StartSigner());
    trust = {{"type", "remote"},
             {"hostname", "127.0.0.1"},
             {"port", std::to_string(s->signer_port_)},
             {"key_algorithm", "ecdsa"},
             {"tls_ca_file", s->dir_ + "/grpc-ca.crt"},
             {"tls_client_cert", s->dir_ + "/client.crt"},
             {"tls_client_key", s->dir_ + "/client.key"}};
  }
  nlohmann::json server = {{"server",
                            {{"http_addr", "127.0.0.1:" + std::to_string(s->port_)},
                             {"tls_cert_file", ca.server_cert_path()},
                             {"tls_key_file", ca.server_key_path()}}},
                           {"trust_service", trust},
                           {"logging", {{"level", "info"}}},
                           {"storage", {{"backend", "memory"}}}};
  if (const auto& auth = options.token_auth) {
    server["auth"] = {{"type", "token"},
                      {"options",
                       {{"realm", auth->realm},
                        {"service", auth->service},
                        {"issuer", auth->issuer},
                        {"rootcertbundle", auth->rootcertbundle_path}}}};
  }
  CN_RETURN_IF_ERROR(WriteFile(s->dir_ + "/server.json", server.dump()));
  nlohmann::json client = {{"trust_dir", s->dir_ + "/trust"},
                           {"remote_server", {{"url", s->url()}, {"root_ca", ca.ca_cert_path()}}}};
  std::filesystem::create_directories(s->dir_ + "/trust");
  CN_RETURN_IF_ERROR(WriteFile(s->dir_ + "/client.json", client.dump()));

  const std::string log = s->dir_ + "/server.log";
  CN_ASSIGN_OR_RETURN(s->pid_,
                      Spawn({"notary-server", "-config", s->dir_ + "/server.json"}, log, {}));

  // Ready when the health endpoint answers 200 (in remote mode that includes the signer);
  // bounded, and failing fast if a process died.
  CN_ASSIGN_OR_RETURN(auto http, net::HttpClient::Create({.extra_ca_pem = ca.ca_cert_pem()}));
  Deadline ready_by = Deadline::In(std::chrono::seconds(20));
  while (!ready_by.expired()) {
    auto health = http->Send({.url = s->url() + "/_notary_server/health",
                              .deadline = Deadline::In(std::chrono::seconds(2))});
    if (health.ok() && health->status == 200) return s;
    CN_RETURN_IF_ERROR(StillRunning(&s->pid_, "notary-server", log));
    if (s->signer_pid_ > 0) {
      CN_RETURN_IF_ERROR(StillRunning(&s->signer_pid_, "notary-signer", s->dir_ + "/signer.log"));
    }
    std::this_thread::yield();
  }
  return DeadlineExceededError("notary-server not healthy within 20 s");
}

NotaryServer::~NotaryServer() {
  Stop(&pid_);
  Stop(&signer_pid_);
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

Status NotaryServer::Notary(const std::string& args) const {
  std::string env = kEnv;
  if (!client_credentials_.empty()) {
    env += "NOTARY_AUTH=" + crypto::Base64Encode(client_credentials_) + " ";
  }
  return RunCommand(env + "notary -c '" + dir_ + "/client.json' " + args, dir_ + "/client.log");
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

namespace {

StatusOr<nlohmann::json> ClientRoot(const std::string& dir, const std::string& gun) {
  CN_ASSIGN_OR_RETURN(std::string raw, ReadFile(dir + "/trust/tuf/" + gun + "/metadata/root.json"));
  auto root = nlohmann::json::parse(raw, nullptr, false);
  if (root.is_discarded()) return InternalError("root.json does not parse");
  return root["signed"];
}

}  // namespace

StatusOr<std::string> NotaryServer::RootPublicKeyPem(const std::string& gun) const {
  CN_ASSIGN_OR_RETURN(nlohmann::json root, ClientRoot(dir_, gun));
  std::string id = root["roles"]["root"]["keyids"][0].get<std::string>();
  std::string b64 = root["keys"][id]["keyval"]["public"].get<std::string>();
  CN_ASSIGN_OR_RETURN(std::string cert, crypto::Base64Decode(b64));
  CN_ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromCertificatePem(cert));
  return SpkiPem(key.spki_der());
}

StatusOr<std::string> NotaryServer::RoleKeyType(const std::string& gun,
                                                const std::string& role) const {
  CN_ASSIGN_OR_RETURN(nlohmann::json root, ClientRoot(dir_, gun));
  std::string id = root["roles"][role]["keyids"][0].get<std::string>();
  return root["keys"][id]["keytype"].get<std::string>();
}

}  // namespace connaisseur::testing
