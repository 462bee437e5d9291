// Where the tests find the checkout and the build: one small translation unit holds both paths,
// so the test sources themselves compile the same in every checkout (and ccache reuses them).
#pragma once

namespace connaisseur::testing {

const char* SourceDir();  // the repository root, e.g. /src/connaisseur
const char* BinaryDir();  // the CMake build directory

}  // namespace connaisseur::testing
