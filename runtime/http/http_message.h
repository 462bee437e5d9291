// Request and Response: what the civetweb adapter hands to a handler and writes back. Plain
// data, so handlers are testable without a server.
#pragma once

#include <string>

#include "runtime/http/memory_budget.h"

namespace connaisseur::http {

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string path;          // "/mutate" (no query string)
  std::string content_type;  // Content-Type header as sent, "" when absent
  std::string body;
  // The request's share of the server's memory budget, already holding the body; a handler
  // grows it before building anything sized by the body (a parsed tree). Null: no budget.
  MemoryReservation* memory = nullptr;
};

struct Response {
  int status = 500;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Adds "Connection: close" and closes the connection after writing: for answers given before
  // the body was read whole (its unread rest must not be taken for a next request).
  bool close_connection = false;
};

}  // namespace connaisseur::http
