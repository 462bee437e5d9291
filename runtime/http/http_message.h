// Request and Response: what the civetweb adapter hands to a handler and writes back. Plain
// data, so handlers are testable without a server.
#pragma once

#include <string>

namespace connaisseur::http {

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string path;          // "/mutate" (no query string)
  std::string content_type;  // Content-Type header as sent, "" when absent
  std::string body;
};

struct Response {
  int status = 500;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

}  // namespace connaisseur::http
