#include "runtime/crypto/private_key.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "runtime/crypto/openssl_error.h"

namespace connaisseur::crypto {

namespace {

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len > 0 ? len : 0));
}

// DER ECDSA-Sig-Value → raw r‖s of `width`-byte halves.
StatusOr<std::string> DerEcdsaToRaw(std::string_view der, size_t width) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return InternalError(DrainOpenSslErrors("ecdsa signature decoding"));
  const BIGNUM* r = nullptr;  // owned by sig
  const BIGNUM* s = nullptr;  // owned by sig
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(2 * width, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, static_cast<int>(width)) < 0 ||
      BN_bn2binpad(s, o + width, static_cast<int>(width)) < 0) {
    return InternalError(DrainOpenSslErrors("ecdsa signature encoding"));
  }
  return out;
}

}  // namespace

StatusOr<PrivateKey> PrivateKey::FromEvp(EvpPkeyPtr key) {
  const std::string spki = EncodeDer(i2d_PUBKEY, key.get());
  if (spki.empty()) return InternalError(DrainOpenSslErrors("public key encoding"));
  CN_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::FromSpkiDer(spki));
  return PrivateKey(std::move(key), pub.type());
}

StatusOr<PrivateKey> PrivateKey::Generate(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::kEcdsaP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcdsaP384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kRsa:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyType::kEd25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  EvpPkeyPtr key(raw);
  if (!key) return InternalError(DrainOpenSslErrors("key generation"));
  return FromEvp(std::move(key));
}

StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError(DrainOpenSslErrors("BIO allocation"));
  // An empty passphrase callback result makes encrypted PEM fail instead of prompting.
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (!key) return InvalidArgumentError(DrainOpenSslErrors("error parsing private key"));
  return FromEvp(std::move(key));
}

StatusOr<PrivateKey> PrivateKey::FromPkcs8Der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (!key) return InvalidArgumentError(DrainOpenSslErrors("error parsing private key"));
  return FromEvp(std::move(key));
}

std::string PrivateKey::PrivatePkcs8Der() const {
  std::string der = EncodeSecretDer(i2d_PrivateKey, key_.get());
  if (der.empty()) ERR_clear_error();
  return der;
}

std::string PrivateKey::PrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) != 1) {
    ERR_clear_error();
    return {};
  }
  return BioToString(bio.get());
}

std::string PrivateKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  return BioToString(bio.get());
}

StatusOr<PublicKey> PrivateKey::Public() const { return PublicKey::FromPem(PublicPem()); }

StatusOr<std::string> PrivateKey::Sign(std::string_view message, SignatureScheme scheme) const {
  const bool ec = type_ == KeyType::kEcdsaP256 || type_ == KeyType::kEcdsaP384;
  const EVP_MD* md = nullptr;  // static, owned by OpenSSL
  if (scheme == SignatureScheme::kEcdsaDer || scheme == SignatureScheme::kEcdsaRaw) {
    if (!ec) return InvalidArgumentError("ecdsa scheme for a non-ECDSA key");
    md = type_ == KeyType::kEcdsaP384 ? EVP_sha384() : EVP_sha256();
  } else if (scheme == SignatureScheme::kEd25519) {
    if (type_ != KeyType::kEd25519) return InvalidArgumentError("ed25519 scheme for another key");
  } else {
    if (type_ != KeyType::kRsa) return InvalidArgumentError("rsa scheme for a non-RSA key");
    md = EVP_sha256();
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key_.get()) != 1) {
    return InternalError(DrainOpenSslErrors("signing setup"));
  }
  if (scheme == SignatureScheme::kRsaPssSha256 &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return InternalError(DrainOpenSslErrors("rsa-pss setup"));
  }
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) {
    return InternalError(DrainOpenSslErrors("signing"));
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg,
                     message.size()) != 1) {
    return InternalError(DrainOpenSslErrors("signing"));
  }
  sig.resize(len);
  if (scheme == SignatureScheme::kEcdsaRaw) {
    return DerEcdsaToRaw(sig, type_ == KeyType::kEcdsaP384 ? 48 : 32);
  }
  return sig;
}

}  // namespace connaisseur::crypto
