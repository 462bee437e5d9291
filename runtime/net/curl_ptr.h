// Owning pointers for libcurl handles. The only place in the tree that names curl's *_cleanup
// and *_free_all functions.
#pragma once

#include <curl/curl.h>

#include <memory>

#include "runtime/free_with.h"

namespace connaisseur::net {

using CurlPtr = std::unique_ptr<CURL, FreeWith<curl_easy_cleanup>>;
using CurlSlistPtr = std::unique_ptr<curl_slist, FreeWith<curl_slist_free_all>>;
using CurlMultiPtr = std::unique_ptr<CURLM, FreeWith<curl_multi_cleanup>>;
using CurlSharePtr = std::unique_ptr<CURLSH, FreeWith<curl_share_cleanup>>;

}  // namespace connaisseur::net
