// `connaisseur serve` at the operating system's memory limit (issue 17, the soak's memory part):
// under an address-space limit (RLIMIT_AS through prlimit) that the parse of large reviews runs
// into, allocations fail with std::bad_alloc inside the server. Every answer must then close the
// door: a 5xx, or a 200 that denies. An image the policy denies is never admitted, the process
// never dies, and it answers /health and decides small reviews correctly afterwards.
// Skipped under AddressSanitizer: its shadow memory reserves terabytes of address space, so no
// RLIMIT_AS both lets it start and bounds the program.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/webhook/serve_process.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur {
namespace {

using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerShadowMemory = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitizerShadowMemory = true;
#else
constexpr bool kSanitizerShadowMemory = false;
#endif
#else
constexpr bool kSanitizerShadowMemory = false;
#endif

// Every image is denied except those of `trusted.example/`.
constexpr char kConfig[] = R"(application:
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "trusted.example/*:*"
      validator: allow
)";

// A Pod review of `image` whose object carries `padding` extra array elements (the shape that
// costs most memory per body byte once parsed).
std::string Review(const std::string& image, size_t padding) {
  json review = {{"apiVersion", "admission.k8s.io/v1"},
                 {"kind", "AdmissionReview"},
                 {"request",
                  {{"uid", "uid-memory-limit"},
                   {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
                   {"namespace", "team-a"},
                   {"operation", "CREATE"},
                   {"object",
                    {{"metadata", {{"name", "p"}}},
                     {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}},
                     {"padding", "@"}}}}}};
  std::string body = review.dump();
  std::string array = "[";
  array.reserve(2 * padding + 2);
  for (size_t i = 0; i < padding; ++i) array += i == 0 ? "0" : ",0";
  array += "]";
  body.replace(body.find("\"@\""), 3, array);
  return body;
}

// The process's address space (VmSize) in bytes; 0 when unreadable.
uint64_t AddressSpace(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmSize:")) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

class MemoryLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kSanitizerShadowMemory) GTEST_SKIP() << "RLIMIT_AS cannot bound a sanitizer's shadow";
    ca_ = testing::TestCa::Shared();
    ASSERT_NE(ca_, nullptr);
    auto dir = testing::MakeTempDir("cn-memory-limit");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    ASSERT_THAT(testing::WriteFile(dir_ + "/values.yaml", kConfig), IsOk());
  }
  void TearDown() override {
    if (!dir_.empty()) testing::RunCommand("rm -rf " + dir_, "/dev/null").ok();
  }

  StatusOr<std::unique_ptr<testing::ServeProcess>> Serve(uint64_t address_space_limit) {
    testing::ServeOptions options;
    options.config_path = dir_ + "/values.yaml";
    options.log_path = dir_ + "/serve.log";
    // The memory budget far above the limit: the allocations themselves must fail, not the
    // budget refuse first (that path has its own tests).
    options.extra_args = {"--memory-budget", "4096", "--threads", "16"};
    options.address_space_limit_bytes = address_space_limit;
    return testing::ServeProcess::Start(*ca_, options);
  }

  const testing::TestCa* ca_ = nullptr;
  std::string dir_;
};

// A 200 must deny the image; anything else must be a server error (fail closed). A transport
// error (a TLS handshake that found no memory closes the connection) admits nothing either.
// Counts the answers that ran out of memory (not a 200) in `refused`.
void ExpectClosed(const StatusOr<net::HttpResponse>& answer, const std::string& what,
                  int& refused) {
  if (!answer.ok() || answer->status != 200) ++refused;
  if (!answer.ok()) return;
  if (answer->status == 200) {
    json response = json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(response.is_discarded()) << what << ": " << answer->body;
    EXPECT_EQ(response["response"].value("allowed", true), false) << what << ": " << answer->body;
    return;
  }
  EXPECT_TRUE(answer->status >= 500 && answer->status <= 599)
      << what << ": " << answer->status << " " << answer->body;
}

TEST_F(MemoryLimitTest, AtTheAddressSpaceLimitEveryAnswerDeniesAndServeSurvives) {
  uint64_t at_rest = 0;
  {
    auto probe = Serve(0);
    ASSERT_THAT(probe, IsOk());
    std::string error;
    ASSERT_FALSE(
        (*probe)->Mutate(json::parse(Review("trusted.example/app:1", 10)), &error).is_null())
        << error;
    at_rest = AddressSpace((*probe)->pid());
    ASSERT_THAT((*probe)->Terminate(), IsOk());
  }
  ASSERT_GT(at_rest, 0u);
  // Less headroom than one ~8 MB review of zeros needs once parsed (~16 bytes per element and
  // more): the parse of a single such review already runs out.
  auto serve = Serve(at_rest + (48u << 20));
  ASSERT_THAT(serve, IsOk());
  const std::string denied_big = Review("docker.io/library/nginx:1.25", 4'000'000);
  // One of these fits; eight at once do not: some are decided (denied), some run out.
  const std::string denied_medium = Review("docker.io/library/nginx:1.25", 1'500'000);

  auto alone = (*serve)->Post("/mutate", denied_big);
  ASSERT_THAT(alone, IsOk()) << (*serve)->Log();
  int refused = 0;
  ExpectClosed(alone, "one review at the limit", refused);

  // A flood: three rounds of 8 concurrent reviews of a denied image.
  for (int round = 0; round < 3; ++round) {
    std::vector<StatusOr<net::HttpResponse>> answers(8, InternalError("not sent"));
    std::vector<std::thread> clients;
    for (auto& answer : answers) {
      clients.emplace_back([&] { answer = (*serve)->Post("/mutate", denied_medium); });
    }
    for (auto& t : clients) t.join();
    for (const auto& answer : answers) {
      ExpectClosed(answer, "round " + std::to_string(round), refused);
    }
    ASSERT_TRUE((*serve)->Running()) << "serve died in round " << round << "\n" << (*serve)->Log();
  }
  // The limit was reached: some requests found no memory (otherwise this tested nothing).
  EXPECT_GT(refused, 0) << "no request ran out of memory; lower the headroom";
  std::printf("%d of 25 reviews ran out of memory, the others were denied\n", refused);
  ASSERT_TRUE((*serve)->Running()) << (*serve)->Log();
  auto health = (*serve)->Get("/health");
  ASSERT_THAT(health, IsOk()) << (*serve)->Log();
  EXPECT_EQ(health->status, 200);
  // Small reviews are decided as before: memory came back.
  std::string error;
  json denied = (*serve)->Mutate(json::parse(Review("docker.io/library/nginx:1.25", 10)), &error);
  ASSERT_FALSE(denied.is_null()) << error;
  EXPECT_EQ(denied.value("allowed", true), false);
  json admitted = (*serve)->Mutate(json::parse(Review("trusted.example/app:1", 10)), &error);
  ASSERT_FALSE(admitted.is_null()) << error;
  EXPECT_EQ(admitted.value("allowed", false), true);
  auto status = (*serve)->Terminate();
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << "\n"
                                                               << (*serve)->Log();
}

}  // namespace
}  // namespace connaisseur
