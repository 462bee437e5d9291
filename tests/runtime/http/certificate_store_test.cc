// CertificateStore: reloads on request (SIGHUP) and on file changes, keeping the previous pair
// when the new files are rejected, and logging both outcomes (issue 12).
#include "runtime/http/certificate_store.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::http {
namespace {

using ::testing::HasSubstr;

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

TEST(CertificateStoreTest, LogsReloadsAndRejectedFilesAndKeepsThePreviousPair) {
  const testing::TestCa* ca = testing::TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  auto dir = testing::MakeTempDir("cn-cert-store");
  ASSERT_THAT(dir, IsOk());
  const std::string cert = *dir + "/tls.crt", key = *dir + "/tls.key";
  ASSERT_THAT(testing::WriteFile(cert, ca->server_cert_pem()), IsOk());
  ASSERT_THAT(testing::WriteFile(key, ca->server_key_pem()), IsOk());
  RecordingLogger logger;
  auto store = CertificateStore::Create(cert, key, &logger);
  ASSERT_THAT(store, IsOk());

  ASSERT_THAT((*store)->Reload(), IsOk());
  EXPECT_EQ((*store)->loads(), 2);
  ASSERT_EQ(logger.lines.size(), 1u);
  EXPECT_THAT(logger.lines[0], HasSubstr("loaded a new TLS certificate"));
  EXPECT_THAT(logger.lines[0], HasSubstr("reload requested"));

  ASSERT_THAT(testing::WriteFile(cert, "not a certificate"), IsOk());
  EXPECT_THAT((*store)->Reload(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("tls.crt")));
  EXPECT_EQ((*store)->loads(), 2) << "the previous pair stays";
  ASSERT_EQ(logger.lines.size(), 2u);
  EXPECT_THAT(logger.lines[1], HasSubstr("rejected the TLS certificate files"));
  EXPECT_THAT(logger.lines[1], HasSubstr("no PEM certificate"));
  testing::RunCommand("rm -rf " + *dir, "/dev/null").ok();
}

}  // namespace
}  // namespace connaisseur::http
