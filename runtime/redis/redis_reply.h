// Reply: one Redis reply copied out of hiredis' tree, so callers never hold hiredis objects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace connaisseur::redis {

struct Reply {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus ("OK"), kError (the server's message)
  int64_t integer = 0;
  std::vector<Reply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_ok_status() const { return type == Type::kStatus && str == "OK"; }
};

}  // namespace connaisseur::redis
