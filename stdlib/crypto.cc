// connaisseur.crypto: sha256(data) -> hex; verify(public_key_pem, data, signature, alg) ->
// bool [, reason].
#include <string>

#include "runtime/crypto/digest.h"
#include "runtime/crypto/public_key.h"
#include "stdlib/module.h"

namespace connaisseur::stdlib {
namespace {

int Sha256(lua_State* L) {
  const std::string_view data = CheckInput(L, 1);
  ChargeBytes(L, data.size());
  std::string hex = crypto::Sha256Hex(data);
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

// Algorithm names a script may pass, at a glance.
struct Scheme {
  const char* name;
  crypto::SignatureScheme scheme;
};
constexpr Scheme kSchemes[] = {
    {"ecdsa", crypto::SignatureScheme::kEcdsaDer},
    {"ecdsa-raw", crypto::SignatureScheme::kEcdsaRaw},
    {"rsa-pkcs1-sha256", crypto::SignatureScheme::kRsaPkcs1Sha256},
    {"rsa-pss-sha256", crypto::SignatureScheme::kRsaPssSha256},
    {"ed25519", crypto::SignatureScheme::kEd25519},
};

int Verify(lua_State* L) {
  const std::string_view pem = CheckInput(L, 1);
  const std::string_view data = CheckInput(L, 2);
  const std::string_view signature = CheckInput(L, 3);
  const std::string_view alg = luaL_optstring(L, 4, "ecdsa");
  const Scheme* scheme = nullptr;
  for (const Scheme& s : kSchemes) {
    if (alg == s.name) scheme = &s;
  }
  if (scheme == nullptr) return luaL_argerror(L, 4, "unknown signature algorithm");
  ChargeBytes(L, pem.size() + data.size() + signature.size());
  Status result;
  {
    auto key = crypto::PublicKey::FromPem(pem);
    result = key.ok() ? key->Verify(data, signature, scheme->scheme) : key.status();
  }
  lua_pushboolean(L, result.ok());
  if (result.ok()) return 1;
  lua_pushstring(L, result.message().c_str());  // expected failures are data, not errors
  return 2;
}

constexpr luaL_Reg kCrypto[] = {{"sha256", Sha256}, {"verify", Verify}, {nullptr, nullptr}};

}  // namespace

void OpenCrypto(lua_State* L) { RegisterModule(L, "crypto", kCrypto); }

}  // namespace connaisseur::stdlib
