// NewCaStore: one store per client holding the system bundle (read once per process) and the
// client's extra CAs.
#include "runtime/net/ca_store.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <filesystem>

#include "runtime/net/http_client.h"
#include "tests/runtime/net/test_ca.h"
#include "tests/testing/status_matchers.h"

namespace connaisseur::net {
namespace {

using testing::TestCa;

// Whether `store` holds a certificate equal to `cert`.
bool Holds(X509_STORE* store, X509* cert) {
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);  // borrowed
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    X509* held = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
    if (held != nullptr && X509_cmp(held, cert) == 0) return true;
  }
  return false;
}

crypto::X509Ptr ParseCert(const std::string& pem) {
  crypto::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return crypto::X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// The first certificate of libcurl's default CA bundle, or nullptr when there is none.
crypto::X509Ptr FirstSystemCert() {
  GlobalInit();
  CurlPtr curl(curl_easy_init());
  char* path = nullptr;
  curl_easy_getinfo(curl.get(), CURLINFO_CAINFO, &path);
  if (path == nullptr || !std::filesystem::exists(path)) return nullptr;
  crypto::BioPtr bio(BIO_new_file(path, "r"));
  return crypto::X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

TEST(CaStoreTest, TrustsTheSystemBundleAndTheExtraCas) {
  const TestCa* ca = TestCa::Shared();
  ASSERT_NE(ca, nullptr);
  std::vector<crypto::X509Ptr> extra;
  extra.push_back(ParseCert(ca->ca_cert_pem()));
  ASSERT_NE(extra[0], nullptr);

  auto with_extra = NewCaStore(extra);
  auto system_only = NewCaStore({});
  ASSERT_THAT(with_extra, IsOk());
  ASSERT_THAT(system_only, IsOk());
  EXPECT_TRUE(Holds(with_extra->get(), extra[0].get())) << "the extra CA";
  EXPECT_FALSE(Holds(system_only->get(), extra[0].get())) << "stores are per client";

  crypto::X509Ptr system = FirstSystemCert();
  if (system == nullptr) GTEST_SKIP() << "no system CA bundle on this machine";
  EXPECT_TRUE(Holds(with_extra->get(), system.get())) << "system CAs next to the extra CA";
  EXPECT_TRUE(Holds(system_only->get(), system.get())) << "system CAs alone";
}

}  // namespace
}  // namespace connaisseur::net
