// FreeWith<Fn>: a unique_ptr deleter that calls a C library's free function, so every OpenSSL,
// curl or Lua handle is owned by a std::unique_ptr (crypto/openssl_ptr.h, net/curl_ptr.h).
#pragma once

namespace connaisseur {

template <auto Fn>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

}  // namespace connaisseur
