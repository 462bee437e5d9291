// RedisClient and RedisConnection against the real redis-server on loopback: commands round
// trip, AUTH with the right and a wrong password, TLS checked against the test CA, a server
// killed under the client, and the one log line per change of state.
#include "runtime/redis/redis_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>

#include "tests/runtime/net/test_ca.h"
#include "tests/runtime/redis/redis_server_process.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::redis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RedisServerProcess;

// Keeps every line it is given.
class RecordingLogger final : public log::Logger {
 public:
  void Log(log::Level level, std::string_view msg, const nlohmann::json& fields) override {
    std::lock_guard lock(mu_);
    lines.push_back(std::string(log::LevelName(level)) + " " + std::string(msg) + " " +
                    fields.dump());
  }
  bool Enabled(log::Level) const override { return true; }
  std::vector<std::string> lines;

 private:
  std::mutex mu_;
};

Deadline Soon() { return Deadline::In(std::chrono::seconds(5)); }

std::unique_ptr<RedisClient> Client(int port, std::string password, log::Logger* logger,
                                    bool tls = false) {
  RedisClient::Options options;
  options.host = "127.0.0.1";
  options.port = port;
  options.tls = tls;
  options.password = std::move(password);
  options.logger = logger;
  options.retry_after = std::chrono::milliseconds(0);  // every call tries the server
  auto client = RedisClient::Create(std::move(options));
  EXPECT_THAT(client, IsOk());
  return client.ok() ? std::move(client).value() : nullptr;
}

StatusOr<Reply> Call(RedisClient& client, std::vector<std::string> args) {
  return client.Command(args, Soon());
}

TEST(RedisClientTest, SetThenGetRoundTripsBinaryValues) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  auto server = RedisServerProcess::Start({});
  ASSERT_THAT(server, IsOk());
  auto client = Client((*server)->port(), "", nullptr);
  const std::string value("a\0b\r\n$3\r\n", 10);
  ASSERT_THAT(Call(*client, {"SET", "k", value, "PX", "60000"}), IsOk());
  auto got = Call(*client, {"GET", "k"});
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->type, Reply::Type::kString);
  EXPECT_EQ(got->str, value);
  auto missing = Call(*client, {"GET", "absent"});
  ASSERT_THAT(missing, IsOk());
  EXPECT_TRUE(missing->is_nil());
  EXPECT_EQ(client->errors(), 0u);
}

TEST(RedisClientTest, AuthenticatesWithThePassword) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  auto server = RedisServerProcess::Start({.password = "pw-right"});
  ASSERT_THAT(server, IsOk());
  auto client = Client((*server)->port(), "pw-right", nullptr);
  ASSERT_THAT(Call(*client, {"SET", "k", "v"}), IsOk());
  EXPECT_EQ((*server)->Command({"GET", "k"})->str, "v");
}

TEST(RedisClientTest, WrongPasswordIsUnavailableCountedAndLoggedOnceWithoutThePassword) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  auto server = RedisServerProcess::Start({.password = "pw-right"});
  ASSERT_THAT(server, IsOk());
  RecordingLogger logger;
  auto client = Client((*server)->port(), "pw-wrong", &logger);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(Call(*client, {"GET", "k"}),
                StatusIs(StatusCode::kUnavailable, HasSubstr("AUTH refused")));
  }
  EXPECT_EQ(client->errors(), 3u);
  ASSERT_EQ(logger.lines.size(), 1u);
  EXPECT_THAT(logger.lines[0], HasSubstr("shared cache unavailable"));
  EXPECT_THAT(logger.lines[0], Not(HasSubstr("pw-wrong")));
}

TEST(RedisClientTest, NoPasswordForAServerThatWantsOneIsUnavailable) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  auto server = RedisServerProcess::Start({.password = "pw-right"});
  ASSERT_THAT(server, IsOk());
  auto client = Client((*server)->port(), "", nullptr);
  EXPECT_THAT(Call(*client, {"GET", "k"}), StatusIs(StatusCode::kUnavailable, HasSubstr("NOAUTH")));
}

TEST(RedisClientTest, KilledServerFailsAndIsLoggedOnce) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  auto server = RedisServerProcess::Start({});
  ASSERT_THAT(server, IsOk());
  const int port = (*server)->port();
  RecordingLogger logger;
  auto client = Client(port, "", &logger);
  ASSERT_THAT(Call(*client, {"SET", "k", "v"}), IsOk());  // a pooled connection now exists
  (*server)->Kill();
  EXPECT_THAT(Call(*client, {"GET", "k"}),
              StatusIs(StatusCode::kUnavailable, ::testing::_));  // pooled one
  EXPECT_THAT(Call(*client, {"GET", "k"}),
              StatusIs(StatusCode::kUnavailable, ::testing::_));  // refused
  EXPECT_EQ(client->errors(), 2u);
  ASSERT_EQ(logger.lines.size(), 1u);
  EXPECT_THAT(logger.lines[0], HasSubstr("shared cache unavailable"));
}

TEST(RedisClientTest, AfterAFailureCallsFailAtOnceUntilRetryAfter) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  auto server = RedisServerProcess::Start({.password = "pw-right"});
  ASSERT_THAT(server, IsOk());
  RedisClient::Options options;
  options.host = "127.0.0.1";
  options.port = (*server)->port();
  options.password = "pw-wrong";
  options.retry_after = std::chrono::hours(1);
  auto client = RedisClient::Create(std::move(options));
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT(Call(**client, {"GET", "k"}), StatusIs(StatusCode::kUnavailable, ::testing::_));
  EXPECT_THAT(Call(**client, {"GET", "k"}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("retrying shortly")));
  EXPECT_EQ((*client)->errors(), 1u);  // the second call never reached the server
}

TEST(RedisClientTest, TlsRoundTripsAgainstTheTestCa) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  const testing::TestCa* ca = testing::TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto server = RedisServerProcess::Start({.password = "pw", .tls = true});
  ASSERT_THAT(server, IsOk());
  // Before trusting the test CA: the certificate does not verify.
  auto untrusted = Client((*server)->port(), "pw", nullptr, /*tls=*/true);
  EXPECT_THAT(Call(*untrusted, {"PING"}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("TLS handshake failed")));
  ASSERT_EQ(setenv("SSL_CERT_FILE", ca->ca_cert_path().c_str(), 1), 0);
  auto client = Client((*server)->port(), "pw", nullptr, /*tls=*/true);
  ASSERT_THAT(Call(*client, {"SET", "k", "over tls"}), IsOk());
  auto got = Call(*client, {"GET", "k"});
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->str, "over tls");
  unsetenv("SSL_CERT_FILE");
}

// cache.redis.caFile: the client trusts exactly the file's certificates, without the system
// store or SSL_CERT_FILE; the server's own (non-CA) certificate is enough, as the chart mounts it.
TEST(RedisClientTest, TlsTrustsOnlyTheCertificatesOfCaFile) {
  if (!RedisServerProcess::Available()) GTEST_SKIP() << "redis-server is not installed";
  const testing::TestCa* ca = testing::TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto server = RedisServerProcess::Start({.password = "pw", .tls = true});
  ASSERT_THAT(server, IsOk());
  for (const std::string& trusted : {ca->ca_cert_path(), ca->server_cert_path()}) {
    RedisClient::Options options;
    options.host = "127.0.0.1";
    options.port = (*server)->port();
    options.tls = true;
    options.ca_file = trusted;
    options.password = "pw";
    auto client = RedisClient::Create(std::move(options));
    ASSERT_THAT(client, IsOk());
    EXPECT_THAT(Call(**client, {"PING"}), IsOk()) << trusted;
  }
  // A file without the server's chain: the handshake fails, the system store is not consulted.
  auto other = testing::MakeTempDir("redis-cafile");
  ASSERT_THAT(other, IsOk());
  const std::string unrelated = *other + "/unrelated.crt";
  ASSERT_THAT(testing::RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                                  "-nodes -subj /CN=127.0.0.1 -days 1 -keyout " +
                                      *other + "/k.pem -out " + unrelated,
                                  *other + "/openssl.log"),
              IsOk());
  RedisClient::Options options;
  options.host = "127.0.0.1";
  options.port = (*server)->port();
  options.tls = true;
  options.ca_file = unrelated;
  options.retry_after = std::chrono::milliseconds(0);
  auto client = RedisClient::Create(std::move(options));
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT(Call(**client, {"PING"}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("TLS handshake failed")));
  // A file that does not exist is refused when the client is made, never ignored.
  RedisClient::Options missing;
  missing.host = "127.0.0.1";
  missing.tls = true;
  missing.ca_file = *other + "/missing.crt";
  EXPECT_THAT(RedisClient::Create(std::move(missing)),
              StatusIs(StatusCode::kInternal, HasSubstr("cannot load the trusted certificates")));
}

}  // namespace
}  // namespace connaisseur::redis
