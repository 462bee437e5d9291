#include "tests/integration/image/image_container.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/integration/registry/registry_process.h"

extern char** environ;

namespace connaisseur::testing {
namespace {

constexpr char kPodman[] = "/usr/bin/podman";
constexpr char kImageUser[] = "65532:65532";

// A name no other test process uses: containers are found and removed by it.
std::string NewContainerName() {
  static std::atomic<int> counter{0};
  return "cn-image-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

// The container runs as another uid than the test: it needs to read what the test writes.
Status WriteReadable(const std::string& path, std::string_view content) {
  CN_RETURN_IF_ERROR(WriteFile(path, content));
  if (chmod(path.c_str(), 0644) != 0) return InternalError("chmod failed on " + path);
  return Status::Ok();
}

Status MakeReadableDir(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error || chmod(path.c_str(), 0755) != 0) return InternalError("cannot create " + path);
  return Status::Ok();
}

std::vector<std::string> PodmanRun(const std::vector<std::string>& before_image) {
  std::vector<std::string> argv = {kPodman, "run"};
  argv.insert(argv.end(), kPodmanRuntimeFlags.begin(), kPodmanRuntimeFlags.end());
  // The chart's pod: read-only root filesystem, the image's non-root user; the host network so
  // that the container reaches the loopback registry and the test reaches its port.
  for (const char* flag : {"--network", "host", "--read-only", "--user", kImageUser}) {
    argv.emplace_back(flag);
  }
  argv.insert(argv.end(), before_image.begin(), before_image.end());
  return argv;
}

}  // namespace

const std::vector<std::string> kPodmanRuntimeFlags = {
    "--runtime", "runc", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=1000:1000"};

std::string ImageUnavailableReason(const std::string& image) {
  if (access(kPodman, X_OK) != 0) {
    return "podman is not installed (scripts/setup's image packages; scripts/test installs them)";
  }
  auto rc = RunProcess({kPodman, "image", "exists", image}, "/dev/null");
  if (!rc.ok() || *rc != 0) {
    return "image " + image + " is not in local container storage: build it with scripts/image " +
           "(scripts/test does)";
  }
  return "";
}

StatusOr<int> RunProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (std::string& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return UnavailableError("cannot spawn " + argv[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return InternalError("waitpid failed for " + argv[0]);
  if (!WIFEXITED(status)) return InternalError(argv[0] + " was killed by a signal");
  return WEXITSTATUS(status);
}

StatusOr<int> RunInImage(const std::string& image, const std::vector<std::string>& podman_args,
                         const std::vector<std::string>& args, std::string* output) {
  CN_ASSIGN_OR_RETURN(std::string dir, MakeTempDir("cn-image-run"));
  const std::string log = dir + "/output";
  std::vector<std::string> argv = PodmanRun(podman_args);
  argv.insert(argv.begin() + 2, "--rm");
  argv.push_back(image);
  argv.insert(argv.end(), args.begin(), args.end());
  auto rc = RunProcess(argv, log);
  auto text = ReadFile(log);
  *output = text.ok() ? *text : "";
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rc;
}

StatusOr<std::unique_ptr<ServingContainer>> ServingContainer::Start(
    const std::string& image, const TestCa& ca, const std::string& values_yaml) {
  std::unique_ptr<ServingContainer> c(new ServingContainer());
  CN_ASSIGN_OR_RETURN(c->dir_, MakeTempDir("cn-image-serve"));
  CN_RETURN_IF_ERROR(MakeReadableDir(c->dir_ + "/config"));
  CN_RETURN_IF_ERROR(MakeReadableDir(c->dir_ + "/certs"));
  CN_RETURN_IF_ERROR(MakeReadableDir(c->dir_));
  CN_RETURN_IF_ERROR(WriteReadable(c->dir_ + "/config/config.yaml", values_yaml));
  CN_RETURN_IF_ERROR(WriteReadable(c->dir_ + "/certs/tls.crt", ca.server_cert_pem()));
  CN_RETURN_IF_ERROR(WriteReadable(c->dir_ + "/certs/tls.key", ca.server_key_pem()));
  CN_ASSIGN_OR_RETURN(c->port_, FreeLoopbackPort());
  net::TlsOptions tls;
  tls.extra_ca_pem = ca.ca_cert_pem();
  CN_ASSIGN_OR_RETURN(c->client_, net::HttpClient::Create(tls));

  c->name_ = NewContainerName();
  std::vector<std::string> argv =
      PodmanRun({"-d", "--name", c->name_, "-v", c->dir_ + "/config:/app/config:ro", "-v",
                 c->dir_ + "/certs:/app/certs:ro", image});
  // Appended to the entrypoint's `serve --config ... --tls-cert ... --tls-key ...`.
  argv.push_back("--listen");
  argv.push_back("127.0.0.1:" + std::to_string(c->port_));
  CN_ASSIGN_OR_RETURN(int rc, RunProcess(argv, c->dir_ + "/podman.log"));
  if (rc != 0) {
    auto log = ReadFile(c->dir_ + "/podman.log");
    return UnavailableError("podman run failed: " + (log.ok() ? *log : ""));
  }
  // Bounded wait for the listener: 600 × 50 ms.
  for (int i = 0; i < 600; ++i) {
    auto r = c->Get("/health");
    if (r.ok() && r->status == 200) return c;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceededError("the container did not answer /health: " + c->Logs());
}

ServingContainer::~ServingContainer() {
  if (!name_.empty()) {
    (void)RunProcess({kPodman, "rm", "--force", "--time", "0", name_}, "/dev/null");
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

StatusOr<net::HttpResponse> ServingContainer::Get(const std::string& path) {
  net::HttpRequest req;
  req.method = "GET";
  req.url = "https://127.0.0.1:" + std::to_string(port_) + path;
  req.deadline = Deadline::In(std::chrono::seconds(15));
  return client_->Send(req);
}

nlohmann::json ServingContainer::Mutate(const nlohmann::json& review, std::string* error) {
  net::HttpRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(port_) + "/mutate";
  req.body = review.dump();
  req.headers = {{"Content-Type", "application/json"}};
  req.deadline = Deadline::In(std::chrono::seconds(30));
  auto r = client_->Send(req);
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

std::string ServingContainer::Logs() const {
  const std::string log = dir_ + "/logs";
  (void)RunProcess({kPodman, "logs", name_}, log);
  auto text = ReadFile(log);
  return text.ok() ? *text : "<no logs>";
}

}  // namespace connaisseur::testing
