#include "tests/testing/source_dirs.h"

namespace connaisseur::testing {

const char* SourceDir() { return CN_SOURCE_DIR; }
const char* BinaryDir() { return CN_BINARY_DIR; }

}  // namespace connaisseur::testing
