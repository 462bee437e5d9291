// Owning pointers for libcurl handles. The only place in the tree that names curl's *_cleanup
// and *_free_all functions.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace connaisseur::net {

template <auto Fn>
struct CurlFreeWith {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using CurlPtr = std::unique_ptr<CURL, CurlFreeWith<curl_easy_cleanup>>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlFreeWith<curl_slist_free_all>>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlFreeWith<curl_multi_cleanup>>;
using CurlSharePtr = std::unique_ptr<CURLSH, CurlFreeWith<curl_share_cleanup>>;

}  // namespace connaisseur::net
