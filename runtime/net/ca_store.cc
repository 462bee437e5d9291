#include "runtime/net/ca_store.h"

#include <curl/curl.h>
#include <openssl/pem.h>

#include <mutex>
#include <string>

#include "runtime/crypto/openssl_error.h"
#include "runtime/net/curl_ptr.h"

namespace connaisseur::net {

namespace {

struct SystemCas {
  std::vector<crypto::X509Ptr> certs;  // from the default CA bundle file
  std::string capath;                  // the default hashed CA directory, "" if none
};

// Where this libcurl build looks for CAs by default (CURLINFO_CAINFO / CURLINFO_CAPATH).
std::string CurlDefault(CURLINFO what) {
  CurlPtr curl(curl_easy_init());
  char* path = nullptr;
  if (!curl || curl_easy_getinfo(curl.get(), what, &path) != CURLE_OK || path == nullptr) {
    return "";
  }
  return path;
}

const SystemCas& LoadSystemCas() {
  static const SystemCas cas = [] {
    SystemCas loaded;
    loaded.capath = CurlDefault(CURLINFO_CAPATH);
    std::string bundle = CurlDefault(CURLINFO_CAINFO);
    if (!bundle.empty()) {
      crypto::BioPtr bio(BIO_new_file(bundle.c_str(), "r"));
      while (bio) {
        crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        loaded.certs.push_back(std::move(cert));
      }
    }
    (void)crypto::DrainOpenSslErrors("");  // end of file, or no bundle: not an error here
    return loaded;
  }();
  return cas;
}

}  // namespace

StatusOr<X509StorePtr> NewCaStore(const std::vector<crypto::X509Ptr>& extra_cas) {
  const SystemCas& system = LoadSystemCas();
  X509StorePtr store(X509_STORE_new());
  if (!store) return InternalError(crypto::DrainOpenSslErrors("X509_STORE_new"));
  for (const auto& cert : system.certs) X509_STORE_add_cert(store.get(), cert.get());
  for (const auto& cert : extra_cas) X509_STORE_add_cert(store.get(), cert.get());
  // The hashed directory is searched lazily, per unknown issuer; as curl would have done.
  if (!system.capath.empty()) X509_STORE_load_path(store.get(), system.capath.c_str());
  (void)crypto::DrainOpenSslErrors("");  // duplicates and a missing directory are not errors
  return store;
}

}  // namespace connaisseur::net
