// A `connaisseur`-like binary for the webhook integration tests: dispatches `review` and `serve`
// to RunReview/RunServe, so the tests do not wait for runtime/cli/main.cc to dispatch to them.
#include <curl/curl.h>

#include <string_view>
#include <vector>

#include "runtime/cli/commands.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string_view command = argv[1];
  const std::vector<std::string_view> args(argv + 2, argv + argc);
  int rc = 2;
  if (command == "review") rc = connaisseur::cli::RunReview(args);
  if (command == "serve") rc = connaisseur::cli::RunServe(args);
  curl_global_cleanup();
  return rc;
}
