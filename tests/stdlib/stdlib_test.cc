// stdlib/stdlib.cc: StandardModules() installs every `connaisseur` module and nothing else
// (each module has its own test file here, named after it).
#include "stdlib/stdlib.h"

#include <gtest/gtest.h>

#include "tests/stdlib/stdlib_test_support.h"

namespace connaisseur::stdlib {
namespace {

using testing::StdlibTest;

using StandardModulesTest = StdlibTest;

TEST_F(StandardModulesTest, InstallsEveryModuleAndNothingElse) {
  EXPECT_EQ(Reason("local names = {} for name in pairs(connaisseur) do names[#names + 1] = name "
                   "end table.sort(names) return nil, table.concat(names, ' ')"),
            "alert base64 config crypto default_policy image json log match time verify");
}

}  // namespace
}  // namespace connaisseur::stdlib
