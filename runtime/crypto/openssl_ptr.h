// Owning pointers for OpenSSL handles. The only place in the tree that names *_free functions.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ct.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "runtime/free_with.h"

namespace connaisseur::crypto {

using connaisseur::FreeWith;

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, FreeWith<ECDSA_SIG_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, FreeWith<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, FreeWith<GENERAL_NAMES_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, FreeWith<ASN1_OBJECT_free>>;
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, FreeWith<ASN1_STRING_free>>;
using SctPtr = std::unique_ptr<SCT, FreeWith<SCT_free>>;
using SctListPtr = std::unique_ptr<STACK_OF(SCT), FreeWith<SCT_LIST_free>>;

// A stack of certificates that owns them (sk_X509_pop_free is a macro, so it gets a function).
inline void FreeX509Stack(STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), FreeWith<FreeX509Stack>>;

// Bytes OpenSSL allocated for the caller (what i2d_* writes). OPENSSL_free is a macro, so it
// cannot be a FreeWith argument.
struct OpenSslFree {
  void operator()(unsigned char* bytes) const { OPENSSL_free(bytes); }
};
using OpenSslBytesPtr = std::unique_ptr<unsigned char, OpenSslFree>;

// Secret bytes OpenSSL allocated for the caller (a private key's DER): overwritten with zeros
// before they go back to the allocator. OPENSSL_clear_free needs the length, so the deleter
// carries it.
struct OpenSslClearFree {
  size_t size = 0;
  void operator()(unsigned char* bytes) const { OPENSSL_clear_free(bytes, size); }
};
using OpenSslSecretBytesPtr = std::unique_ptr<unsigned char, OpenSslClearFree>;

// The DER that `encode` (an i2d_* function) writes for `object`; "" when encoding fails (the
// OpenSSL error queue then says why).
template <typename T>
std::string EncodeDer(int (*encode)(const T*, unsigned char**), const T* object) {
  unsigned char* der = nullptr;
  const int len = encode(object, &der);
  const OpenSslBytesPtr owned(der);
  if (len <= 0 || der == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
}

// EncodeDer for secrets: OpenSSL's copy of the DER is wiped before it is freed (the returned
// string is the caller's to guard).
template <typename T>
std::string EncodeSecretDer(int (*encode)(const T*, unsigned char**), const T* object) {
  unsigned char* der = nullptr;
  const int len = encode(object, &der);
  const OpenSslSecretBytesPtr owned(der, OpenSslClearFree{len > 0 ? static_cast<size_t>(len) : 0});
  if (len <= 0 || der == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
}

}  // namespace connaisseur::crypto
