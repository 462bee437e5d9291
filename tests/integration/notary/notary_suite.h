// NotarySuite: the set-up every real-server suite shares. One notary-server per test suite (the
// start and the `notary` publish take seconds), one GUN published on it, the root key that
// publish created, and helpers to build validators for it. Tests skip when the notary packages
// are not installed. `Suite` is the test class, so that each suite gets a server of its own.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_server.h"
#include "tests/testing/status_matchers.h"
#include "validators/notaryv1/notaryv1_validator.h"

namespace connaisseur::testing {

template <typename Suite>
class NotarySuite : public ::testing::Test {
 protected:
  // Starts the suite's notary-server with `options` and publishes `tag` → a file holding
  // `content` for `gun`. Call from SetUpTestSuite; does nothing when the packages are missing.
  static void StartServer(const NotaryServerOptions& options, const std::string& gun,
                          const std::string& tag, const std::string& content) {
    State().available = NotaryServer::Available(options.trust_service);
    if (!State().available) return;
    net::GlobalInit();
    const TestCa* ca = TestCa::Shared();
    ASSERT_NE(ca, nullptr);
    auto server = NotaryServer::Start(*ca, options);
    ASSERT_THAT(server, IsOk());
    State().server = std::move(server).value();
    ASSERT_THAT(State().server->InitAndSign(gun, tag, content), IsOk());
    auto pem = State().server->RootPublicKeyPem(gun);
    ASSERT_THAT(pem, IsOk());
    State().root_pem = *pem;
  }
  // Stops the server (and its signer) by PID.
  static void TearDownTestSuite() { State() = SuiteState(); }

  void SetUp() override {
    if (!State().available) {
      GTEST_SKIP() << "notary-server / notary(-signer) not installed (scripts/test installs them)";
    }
    ASSERT_NE(server(), nullptr);
    ASSERT_FALSE(root_pem().empty());
  }

  static NotaryServer* server() { return State().server.get(); }
  // The SPKI PEM of the published GUN's root key: what a trust root pins.
  static const std::string& root_pem() { return State().root_pem; }

  // A notaryv1 validator entry for the suite's server: the test CA, the published root key.
  static config::ValidatorConfig Config(const std::string& name = "notary") {
    config::ValidatorConfig c;
    c.name = name;
    c.type = config::ValidatorType::kNotaryV1;
    c.host = server()->url();
    c.cert = TestCa::Shared()->ca_cert_pem();
    c.trust_roots = {{"default", root_pem()}};
    return c;
  }

  // Verifies `ref` with a new validator built from `c` (trust data cache off).
  static StatusOr<validators::VerifiedImage> Verify(const config::ValidatorConfig& c,
                                                    const std::string& ref,
                                                    const config::RuleOptions& options = {}) {
    auto validator =
        notaryv1::NotaryV1Validator::Create(c, {.cache_ttl = std::chrono::milliseconds(0)});
    if (!validator.ok()) return validator.status();
    auto image = image::ImageReference::Parse(ref);
    if (!image.ok()) return image.status();
    return (*validator)->Verify(*image, options, Deadline::In(std::chrono::seconds(20)));
  }

 private:
  struct SuiteState {
    bool available = false;
    std::unique_ptr<NotaryServer> server;
    std::string root_pem;
  };
  static SuiteState& State() {
    static SuiteState state;  // one per Suite
    return state;
  }
};

}  // namespace connaisseur::testing
