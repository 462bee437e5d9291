// The webhook's container image (Dockerfile, built by scripts/image) run with podman for tests:
// one-shot commands, and `connaisseur serve` through the image's own entrypoint with the chart's
// mounts (/app/config, /app/certs), a read-only root filesystem and uid 65532, answering on a free
// loopback port of the host network. Containers are removed by name when the test ends.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/net/http_client.h"
#include "runtime/status.h"
#include "tests/runtime/net/test_ca.h"

namespace connaisseur::testing {

// `podman run` flags every container needs on these hosts: crun (podman's default runtime) fails
// with cgroups in hybrid mode; runc works with explicit ulimits.
extern const std::vector<std::string> kPodmanRuntimeFlags;

// Why the image cannot be tested here ("" when it can): podman missing, or `image` not in local
// container storage.
std::string ImageUnavailableReason(const std::string& image);

// Runs `argv` to completion with stdout and stderr into `log_path`; returns its exit code.
StatusOr<int> RunProcess(const std::vector<std::string>& argv, const std::string& log_path);

// `podman run --rm` of `image` with `podman_args` (volumes, --entrypoint, -e) before the image and
// `args` after it, on the host network, read-only, as uid 65532. Output (stdout and stderr) in
// *output; returns the container's exit code.
StatusOr<int> RunInImage(const std::string& image, const std::vector<std::string>& podman_args,
                         const std::vector<std::string>& args, std::string* output);

class ServingContainer {
 public:
  // Writes `values_yaml` and the test CA's server certificate into a private directory mounted
  // at /app/config and /app/certs, starts the image's entrypoint with `--listen 127.0.0.1:<free
  // port>`, and waits (bounded) until /health answers 200.
  static StatusOr<std::unique_ptr<ServingContainer>> Start(const std::string& image,
                                                           const TestCa& ca,
                                                           const std::string& values_yaml);
  ~ServingContainer();  // podman rm -f

  StatusOr<net::HttpResponse> Get(const std::string& path);
  // POSTs `review` to /mutate; its `response` object, or null with the reason in `error`.
  nlohmann::json Mutate(const nlohmann::json& review, std::string* error);
  std::string Logs() const;  // podman logs

 private:
  ServingContainer() = default;

  std::string name_;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace connaisseur::testing
