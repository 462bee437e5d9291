#include "runtime/admission/json_nesting.h"

#include <string>

namespace connaisseur::admission {

Status CheckJsonNesting(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          return InvalidArgumentError("JSON nested deeper than " + std::to_string(max_depth) +
                                      " levels");
        }
        break;
      case ']':
      case '}':
        --depth;  // unbalanced input is the parser's business
        break;
      default:
        break;
    }
  }
  return Status::Ok();
}

}  // namespace connaisseur::admission
