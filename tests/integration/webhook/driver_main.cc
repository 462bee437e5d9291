// A `connaisseur`-like binary for the webhook integration tests: dispatches `review` and `serve`
// to RunReview/RunServe, so the tests do not wait for runtime/cli/main.cc to dispatch to them.
#include <curl/curl.h>

#include <string_view>

#include "runtime/cli/review_command.h"
#include "runtime/cli/serve_command.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string_view command = argv[1];
  int rc = 2;
  if (command == "review") rc = connaisseur::cli::RunReview(argc - 2, argv + 2);
  if (command == "serve") rc = connaisseur::cli::RunServe(argc - 2, argv + 2);
  curl_global_cleanup();
  return rc;
}
