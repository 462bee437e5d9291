// The trust store of an HttpClient: the system CAs (libcurl's default bundle, parsed once per
// process) plus the client's extra CAs, built once per client and shared by all its connections.
// Without it, curl parses the ~200 kB system bundle for every new connection (about 20 ms CPU).
#pragma once

#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/status.h"

namespace connaisseur::net {

using crypto::X509StorePtr;

// A new store trusting the system CAs and `extra_cas`. Thread-safe: the system bundle is read
// on the first call only. A missing system bundle leaves only `extra_cas` trusted.
StatusOr<X509StorePtr> NewCaStore(const std::vector<crypto::X509Ptr>& extra_cas);

}  // namespace connaisseur::net
