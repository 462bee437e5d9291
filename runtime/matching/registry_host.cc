#include "runtime/matching/registry_host.h"

namespace connaisseur::matching {

std::string_view RegistryHost(std::string_view text) { return text.substr(0, text.find('/')); }

std::string FoldRegistryHost(std::string_view text) {
  std::string out(text);
  const size_t host_end = RegistryHost(text).size();
  for (size_t i = 0; i < host_end; ++i) {
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return out;
}

}  // namespace connaisseur::matching
