# Writes OUT: a C++ source defining connaisseur::embedded::SYMBOL as the bytes of IN.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT}
  "// Generated from ${IN}; do not edit.\n#include <string_view>\n"
  "namespace connaisseur::embedded {\n"
  "static const unsigned char k${SYMBOL}Bytes[] = {${bytes} 0};\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}(reinterpret_cast<const char*>(k${SYMBOL}Bytes), ${size});\n"
  "}  // namespace connaisseur::embedded\n")
