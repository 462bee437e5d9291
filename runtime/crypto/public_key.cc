#include "runtime/crypto/public_key.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "runtime/crypto/openssl_error.h"

namespace connaisseur::crypto {

std::string_view KeyTypeName(KeyType t) {
  switch (t) {
    case KeyType::kEcdsaP256:
      return "ecdsa-p256";
    case KeyType::kEcdsaP384:
      return "ecdsa-p384";
    case KeyType::kRsa:
      return "rsa";
    case KeyType::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Checks the armour of a single PEM block with `label` and returns it trimmed.
StatusOr<std::string_view> SinglePemBlock(std::string_view pem, std::string_view label) {
  std::string begin = "-----BEGIN " + std::string(label) + "-----";
  std::string end = "-----END " + std::string(label) + "-----";
  std::string_view t = Trim(pem);
  if (t.substr(0, begin.size()) != begin) {
    return InvalidArgumentError("wrong format, provide a PEM encoded " +
                                std::string(label == "CERTIFICATE" ? "certificate" : "public key"));
  }
  size_t end_pos = t.find(end);
  if (end_pos == std::string_view::npos) return InvalidArgumentError("PEM block is not terminated");
  if (end_pos + end.size() != t.size()) {
    return InvalidArgumentError("key contains extraneous characters after the PEM block");
  }
  return t;
}

KeyType EcKeyType(const EVP_PKEY* key, bool* ok) {
  char curve[64] = {0};
  size_t len = 0;
  *ok = EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
                                       &len) == 1;
  std::string_view c(curve, len);
  if (c == "prime256v1" || c == "P-256") return KeyType::kEcdsaP256;
  if (c == "secp384r1" || c == "P-384") return KeyType::kEcdsaP384;
  *ok = false;
  return KeyType::kEcdsaP256;
}

// Converts raw r‖s (each half `width` bytes) to DER, which is what OpenSSL verifies.
StatusOr<std::string> RawEcdsaToDer(std::string_view raw, size_t width) {
  if (raw.size() != 2 * width) {
    return VerificationFailedError("ecdsa signature has " + std::to_string(raw.size()) +
                                   " bytes, expected " + std::to_string(2 * width));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  BignumPtr r(BN_bin2bn(p, static_cast<int>(width), nullptr));
  BignumPtr s(BN_bin2bn(p + width, static_cast<int>(width), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig) return InternalError(DrainOpenSslErrors("ecdsa signature allocation"));
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return InternalError(DrainOpenSslErrors("ecdsa signature assembly"));
  }
  r.release();  // owned by sig now
  s.release();
  std::string out = EncodeDer(i2d_ECDSA_SIG, sig.get());
  if (out.empty()) return InternalError(DrainOpenSslErrors("ecdsa signature encoding"));
  return out;
}

}  // namespace

StatusOr<PublicKey> PublicKey::FromEvp(EvpPkeyPtr key) {
  KeyType type;
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_EC: {
      bool ok = false;
      type = EcKeyType(key.get(), &ok);
      if (!ok) return InvalidArgumentError("unsupported elliptic curve (P-256 and P-384 only)");
      break;
    }
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key.get()) < 2048) {
        return InvalidArgumentError("RSA keys must have at least 2048 bits");
      }
      type = KeyType::kRsa;
      break;
    case EVP_PKEY_ED25519:
      type = KeyType::kEd25519;
      break;
    default:
      return InvalidArgumentError("unsupported public key algorithm");
  }
  std::string spki = EncodeDer(i2d_PUBKEY, key.get());
  if (spki.empty()) return InternalError(DrainOpenSslErrors("public key encoding"));
  return PublicKey(std::move(key), type, std::move(spki));
}

StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  CN_ASSIGN_OR_RETURN(std::string_view block, SinglePemBlock(pem, "PUBLIC KEY"));
  BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (!bio) return InternalError(DrainOpenSslErrors("BIO allocation"));
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return InvalidArgumentError(DrainOpenSslErrors("error parsing public key"));
  return FromEvp(std::move(key));
}

StatusOr<PublicKey> PublicKey::FromSpkiDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key) return InvalidArgumentError(DrainOpenSslErrors("error parsing public key"));
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return InvalidArgumentError("public key contains extraneous bytes");
  }
  return FromEvp(std::move(key));
}

StatusOr<PublicKey> PublicKey::FromCertificatePem(std::string_view pem) {
  std::string_view t = Trim(pem);
  if (t.substr(0, 27) != "-----BEGIN CERTIFICATE-----") {
    return InvalidArgumentError("wrong format, provide a PEM encoded certificate");
  }
  BioPtr bio(BIO_new_mem_buf(t.data(), static_cast<int>(t.size())));
  if (!bio) return InternalError(DrainOpenSslErrors("BIO allocation"));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return InvalidArgumentError(DrainOpenSslErrors("error parsing certificate"));
  EvpPkeyPtr key(X509_get_pubkey(cert.get()));
  if (!key) return InvalidArgumentError(DrainOpenSslErrors("certificate has no usable key"));
  return FromEvp(std::move(key));
}

Status PublicKey::Verify(std::string_view message, std::string_view signature,
                         SignatureScheme scheme) const {
  const bool ec = type_ == KeyType::kEcdsaP256 || type_ == KeyType::kEcdsaP384;
  const EVP_MD* md = nullptr;  // static, owned by OpenSSL
  std::string der_sig;
  std::string_view sig = signature;
  switch (scheme) {
    case SignatureScheme::kEcdsaDer:
    case SignatureScheme::kEcdsaRaw:
      if (!ec) return InvalidArgumentError("ecdsa signature for a non-ECDSA key");
      md = type_ == KeyType::kEcdsaP384 ? EVP_sha384() : EVP_sha256();
      if (scheme == SignatureScheme::kEcdsaRaw) {
        CN_ASSIGN_OR_RETURN(der_sig,
                            RawEcdsaToDer(signature, type_ == KeyType::kEcdsaP384 ? 48 : 32));
        sig = der_sig;
      }
      break;
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPssSha256:
      if (type_ != KeyType::kRsa) return InvalidArgumentError("rsa signature for a non-RSA key");
      md = EVP_sha256();
      break;
    case SignatureScheme::kEd25519:
      if (type_ != KeyType::kEd25519) {
        return InvalidArgumentError("ed25519 signature for a non-Ed25519 key");
      }
      break;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return InternalError(DrainOpenSslErrors("digest context allocation"));
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key_.get()) != 1) {
    return InternalError(DrainOpenSslErrors("signature verification setup"));
  }
  if (scheme == SignatureScheme::kRsaPssSha256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
      return InternalError(DrainOpenSslErrors("rsa-pss setup"));
    }
  }
  int rc =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size());
  // 1 = valid; 0 = invalid; < 0 = malformed signature or error. Only 1 passes.
  if (rc != 1) {
    ERR_clear_error();
    return VerificationFailedError("signature does not verify");
  }
  return Status::Ok();
}

}  // namespace connaisseur::crypto
