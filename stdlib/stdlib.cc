#include "stdlib/stdlib.h"

namespace connaisseur::stdlib {

std::vector<sandbox::ModuleOpener> StandardModules() {
  return {OpenImage,  OpenMatch,  OpenCrypto,        OpenBase64, OpenJson, OpenLog,
          OpenConfig, OpenVerify, OpenDefaultPolicy, OpenTime,   OpenAlert};
}

}  // namespace connaisseur::stdlib
