#include "runtime/http/certificate_store.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "runtime/crypto/openssl_error.h"

namespace connaisseur::http {
namespace {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

crypto::BioPtr MemoryBio(const std::string& text) {
  return crypto::BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

StatusOr<std::shared_ptr<const CertificateStore::Pair>> CertificateStore::Load(
    const std::string& cert_file, const std::string& key_file) {
  CN_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_file));
  CN_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(key_file));
  auto pair = std::make_shared<Pair>();
  crypto::BioPtr bio = MemoryBio(cert_pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    pair->chain.emplace_back(cert);
  }
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (pair->chain.empty()) return InvalidArgumentError(cert_file + ": no PEM certificate");
  bio = MemoryBio(key_pem);
  pair->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pair->key) {
    return InvalidArgumentError(crypto::DrainOpenSslErrors(key_file + ": no PEM private key"));
  }
  if (X509_check_private_key(pair->chain.front().get(), pair->key.get()) != 1) {
    return InvalidArgumentError(crypto::DrainOpenSslErrors(
        key_file + ": private key does not match the certificate in " + cert_file));
  }
  return std::shared_ptr<const Pair>(std::move(pair));
}

std::string CertificateStore::Fingerprint() const {
  std::string out;
  for (const std::string* path : {&cert_file_, &key_file_}) {
    struct stat st {};
    if (stat(path->c_str(), &st) != 0) return "";
    out += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
           std::to_string(st.st_size) + "/" + std::to_string(st.st_ino) + ";";
  }
  return out;
}

StatusOr<std::unique_ptr<CertificateStore>> CertificateStore::Create(std::string cert_file,
                                                                     std::string key_file,
                                                                     log::Logger* logger) {
  auto store =
      std::make_unique<CertificateStore>(Tag{}, std::move(cert_file), std::move(key_file), logger);
  store->fingerprint_ = store->Fingerprint();
  CN_ASSIGN_OR_RETURN(store->pair_, Load(store->cert_file_, store->key_file_));
  store->checked_ = std::chrono::steady_clock::now();
  store->loads_ = 1;
  return store;
}

std::shared_ptr<const CertificateStore::Pair> CertificateStore::Current() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_ >= std::chrono::seconds(1)) {
    checked_ = now;
    std::string fingerprint = Fingerprint();
    if (!fingerprint.empty() && fingerprint != fingerprint_) {
      // A half-written rotation keeps the old pair; the files are tried again once they change.
      ReloadLocked(fingerprint, "the files changed").ok();  // logged there
    }
  }
  return pair_;
}

Status CertificateStore::Reload() {
  std::lock_guard lock(mu_);
  checked_ = std::chrono::steady_clock::now();
  return ReloadLocked(Fingerprint(), "reload requested");
}

Status CertificateStore::ReloadLocked(const std::string& fingerprint, const char* why) {
  fingerprint_ = fingerprint;
  auto fresh = Load(cert_file_, key_file_);
  if (!fresh.ok()) {
    if (logger_ != nullptr) {
      logger_->Error("rejected the TLS certificate files; keeping the previous certificate",
                     {{"reason", why}, {"error", fresh.status().message()}});
    }
    return fresh.status();
  }
  pair_ = *fresh;
  ++loads_;
  if (logger_ != nullptr) {
    logger_->Info("loaded a new TLS certificate",
                  {{"reason", why}, {"certificate", cert_file_}, {"key", key_file_}});
  }
  return Status::Ok();
}

bool CertificateStore::InstallOn(SSL* ssl) {
  std::shared_ptr<const Pair> pair = Current();
  if (SSL_use_certificate(ssl, pair->chain.front().get()) != 1 ||
      SSL_use_PrivateKey(ssl, pair->key.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  for (size_t i = 1; i < pair->chain.size(); ++i) {
    if (SSL_add1_chain_cert(ssl, pair->chain[i].get()) != 1) ERR_clear_error();
  }
  return true;
}

}  // namespace connaisseur::http
