// notaryv1 verification cost against the local notary-server.
// - ColdVerification: no trust data cache, one validator over kept-alive connections, as in
//   steady state: it downloads only the timestamp while that pins the files it verified before
//   (KnownTrust), and verifies root-assigned keys, snapshot and targets again.
// - ColdSplit/<from root>/<prefetch>: NotaryClient + the chain with the CPU inside the fetches
//   apart (fetch_us vs rest_us). Prefetch 0: each file fetched when the chain asks for it; 1: the
//   files fetched first in one concurrent batch; 2: fetched first, one after another on one
//   connection. /0/1 is a first verification of a GUN as the validator does it.
// - ChainOnly/0 (full, 4 signature checks) and /1 (from a known root, 3 checks): no transport;
//   the "pure crypto + parsing" figure. TransportOnly/<batched>: 4 GETs, nothing parsed, one
//   after another (0) or as one curl-multi batch (1). TransportFloor/<pipelined>: the same 4
//   GETs by a minimal blocking OpenSSL client, one round trip each (0: the floor under any
//   HTTPS client on this machine) or pipelined in one round trip (1).
//   FirstRequest: a new client's handshake and one GET. WarmVerification: verified trust data
//   cached.
// - EcdsaP256Verify, Ed25519Verify: one signature check each (root, snapshot and targets are
//   ecdsa here, the timestamp ed25519).
// user_us/sys_us split the CPU column. The machine is shared: run with --benchmark_repetitions
// and read the min rows. Not a test: run by hand (RelWithDebInfo build); figures go to
// BENCHMARKS.md.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "runtime/crypto/openssl_ptr.h"
#include "runtime/crypto/private_key.h"
#include "runtime/free_with.h"
#include "runtime/net/http_client.h"
#include "tests/integration/notary/notary_server.h"
#include "validators/notaryv1/notaryv1_validator.h"
#include "validators/notaryv1/target_lookup.h"

namespace connaisseur::notaryv1::bench {

using connaisseur::testing::NotaryServer;
using connaisseur::testing::TestCa;

constexpr char kGun[] = "registry.example.com/bench/app";

struct Setup {
  std::unique_ptr<NotaryServer> server;
  config::ValidatorConfig config;
  std::optional<image::ImageReference> image;
  std::map<std::string, std::string> files;  // role → bytes as the server sent them
};

std::unique_ptr<Setup>& SetupSlot() {
  static std::unique_ptr<Setup> slot;
  return slot;
}

// Starts notary-server and publishes once; main() destroys it (stopping the server by PID).
Setup* GetSetup() {
  static Setup* setup = [] {
    SetupSlot() = std::make_unique<Setup>();
    Setup* s = SetupSlot().get();
    net::GlobalInit();
    const TestCa* ca = TestCa::Shared();
    if (ca == nullptr || !NotaryServer::Available()) return s;
    auto server = NotaryServer::Start(*ca);
    if (!server.ok() || !(*server)->InitAndSign(kGun, "v1", "bench manifest").ok()) return s;
    auto pem = (*server)->RootPublicKeyPem(kGun);
    if (!pem.ok()) return s;
    s->config.name = "bench";
    s->config.type = config::ValidatorType::kNotaryV1;
    s->config.host = (*server)->url();
    s->config.cert = ca->ca_cert_pem();
    s->config.trust_roots = {{"default", *pem}};
    s->image = *image::ImageReference::Parse(std::string(kGun) + ":v1");
    auto http = net::HttpClient::Create({.extra_ca_pem = ca->ca_cert_pem()});
    if (!http.ok()) return s;
    for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
      auto got = (*http)->Send(
          {.url = (*server)->url() + "/v2/" + kGun + "/_trust/tuf/" + role + ".json"});
      if (!got.ok() || got->status != 200) return s;
      s->files[role] = got->body;
    }
    s->server = std::move(server).value();
    return s;
  }();
  return setup;
}

// This thread's user and system CPU time.
std::pair<double, double> ThreadCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {sec(u.ru_utime), sec(u.ru_stime)};
}

// Reports user and system CPU microseconds per iteration (the CPU column is their sum).
class CpuSplit {
 public:
  explicit CpuSplit(benchmark::State& state) : state_(state), start_(ThreadCpuSeconds()) {}
  ~CpuSplit() {
    auto end = ThreadCpuSeconds();
    double n = static_cast<double>(std::max<int64_t>(state_.iterations(), 1));
    state_.counters["user_us"] = (end.first - start_.first) * 1e6 / n;
    state_.counters["sys_us"] = (end.second - start_.second) * 1e6 / n;
  }

 private:
  benchmark::State& state_;
  std::pair<double, double> start_;
};

void Verify(benchmark::State& state, std::chrono::milliseconds ttl) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  auto validator = NotaryV1Validator::Create(s->config, {.cache_ttl = ttl});
  if (!validator.ok()) {
    state.SkipWithError(validator.status().ToString().c_str());
    return;
  }
  // One verification first, so that the TLS handshake (once per kept-alive connection) is
  // outside the measured loop.
  (void)(*validator)->Verify(*s->image, {}, Deadline::In(std::chrono::seconds(20)));
  CpuSplit split(state);
  for (auto _ : state) {
    auto result = (*validator)->Verify(*s->image, {}, Deadline::In(std::chrono::seconds(20)));
    if (!result.ok()) state.SkipWithError(result.status().ToString().c_str());
    benchmark::DoNotOptimize(result);
  }
}

void BM_ColdVerification(benchmark::State& state) { Verify(state, std::chrono::milliseconds(0)); }
void BM_WarmVerification(benchmark::State& state) { Verify(state, std::chrono::hours(1)); }

// The validator's one trust root, as the chain functions take it.
std::vector<PinnedKey> PinnedDefaultRoot(const Setup& s) {
  auto pin = crypto::PublicKey::FromPem(s.config.trust_roots[0].key);
  return {{"default", std::make_shared<const crypto::PublicKey>(std::move(*pin))}};
}

// The chain alone (parse, canonicalise, hash, signature checks, lookup) over the bytes the server
// sent: a cold verification minus the transport. Arg 0: the full chain (four signature checks);
// arg 1: from the root verified before (three: timestamp, snapshot, targets).
void BM_ChainOnly(benchmark::State& state) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  const std::vector<PinnedKey> pinned = PinnedDefaultRoot(*s);
  RoleFetcher fetch = [&](const std::string& role, size_t) -> StatusOr<std::string> {
    auto it = s->files.find(role);
    if (it == s->files.end()) return NotFoundError(role);
    return it->second;
  };
  KeyCache keys;
  auto first = VerifyTrustChain(fetch, pinned, {}, std::chrono::system_clock::now(), &keys);
  if (!first.ok()) {
    state.SkipWithError(first.status().ToString().c_str());
    return;
  }
  const TrustedRoot known{first->root_raw, first->root};
  const bool from_root = state.range(0) == 1;
  CpuSplit split(state);
  for (auto _ : state) {
    auto now = std::chrono::system_clock::now();
    auto data = from_root ? VerifyTrustChainFromRoot(fetch, known, {}, now, &keys)
                          : VerifyTrustChain(fetch, pinned, {}, now, &keys);
    if (!data.ok()) {
      state.SkipWithError(data.status().ToString().c_str());
      break;
    }
    auto digest = FindSignedDigest(*data, *s->image);
    benchmark::DoNotOptimize(digest);
  }
}

double ThreadCpuMicros() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// A cold verification (NotaryClient + the chain) with the CPU time inside the fetches counted
// apart: fetch_us is the transport's share, rest_us the chain's when interleaved with network
// waits. First arg 0: the full chain (root fetched and checked against the trust root); 1: from
// the root verified before (VerifyTrustChainFromRoot). Second arg 0: one GET per file as the
// chain asks; 1: the files fetched first in one concurrent batch (as the validator does); 2: the
// files fetched first, one GET after another on one kept-alive connection.
void BM_ColdSplit(benchmark::State& state) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  auto http = net::HttpClient::Create({.extra_ca_pem = s->config.cert});
  NotaryClient client(s->config.host, std::move(http).value(), std::nullopt,
                      std::chrono::seconds(10));
  const std::vector<PinnedKey> pinned = PinnedDefaultRoot(*s);
  double fetch_us = 0;
  std::map<std::string, std::string> batch;
  RoleFetcher fetch = [&](const std::string& role, size_t max_bytes) -> StatusOr<std::string> {
    if (auto it = batch.find(role); it != batch.end()) return it->second;
    double start = ThreadCpuMicros();
    auto got = client.FetchRole(kGun, role, max_bytes, Deadline::In(std::chrono::seconds(20)));
    fetch_us += ThreadCpuMicros() - start;
    return got;
  };
  const bool from_root = state.range(0) == 1;
  const int64_t prefetch_mode = state.range(1);  // 0 none, 1 concurrent batch, 2 one by one
  const bool batched = prefetch_mode != 0;
  auto prefetch = [&] {
    if (!batched) return;
    std::vector<std::string> roles = {"timestamp", "snapshot", "targets"};
    if (!from_root) roles.push_back("root");
    double start = ThreadCpuMicros();
    if (prefetch_mode == 1) {
      auto got = client.FetchRoles(kGun, roles, kMaxUnpinnedMetadataBytes,
                                   Deadline::In(std::chrono::seconds(20)));
      for (size_t i = 0; i < roles.size(); ++i) batch[roles[i]] = got[i].ok() ? *got[i] : "";
    } else {
      for (const auto& role : roles) {
        auto got = client.FetchRole(kGun, role, kMaxUnpinnedMetadataBytes,
                                    Deadline::In(std::chrono::seconds(20)));
        batch[role] = got.ok() ? *got : "";
      }
    }
    fetch_us += ThreadCpuMicros() - start;
  };
  KeyCache keys;
  auto first = VerifyTrustChain(fetch, pinned, {}, std::chrono::system_clock::now(), &keys);
  if (!first.ok()) {
    state.SkipWithError(first.status().ToString().c_str());
    return;
  }
  const TrustedRoot known{first->root_raw, first->root};
  prefetch();  // the batch's connections are made outside the loop
  fetch_us = 0;
  double start = ThreadCpuMicros();
  for (auto _ : state) {
    prefetch();
    auto now = std::chrono::system_clock::now();
    auto data = from_root ? VerifyTrustChainFromRoot(fetch, known, {}, now, &keys)
                          : VerifyTrustChain(fetch, pinned, {}, now, &keys);
    if (!data.ok()) {
      state.SkipWithError(data.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(FindSignedDigest(*data, *s->image));
  }
  double n = static_cast<double>(std::max<int64_t>(state.iterations(), 1));
  state.counters["fetch_us"] = fetch_us / n;
  state.counters["rest_us"] = (ThreadCpuMicros() - start - fetch_us) / n;
}

// The transport alone: the four GETs of a cold verification through one HttpClient (kept-alive
// connection, handshake outside the loop), no parsing.
void BM_TransportOnly(benchmark::State& state) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  auto http = net::HttpClient::Create({.extra_ca_pem = s->config.cert});
  const std::string base = s->config.host + "/v2/" + kGun + "/_trust/tuf/";
  const bool batched = state.range(0) == 1;
  auto get_all = [&] {
    std::vector<net::HttpRequest> requests;
    for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
      requests.push_back({.url = base + role + ".json"});
    }
    if (batched) {
      for (const auto& got : (*http)->SendAll(requests)) {
        if (!got.ok() || got->status != 200) return false;
      }
      return true;
    }
    for (const auto& request : requests) {
      auto got = (*http)->Send(request);
      if (!got.ok() || got->status != 200) return false;
    }
    return true;
  };
  (void)get_all();
  CpuSplit split(state);
  for (auto _ : state) {
    if (!get_all()) {
      state.SkipWithError("GET failed");
      break;
    }
  }
}

// The floor under any HTTPS client here: the same four GETs over one kept-alive TLS 1.3
// connection by a minimal blocking OpenSSL client (one SSL_write, SSL_reads until the
// response is in; no poll, no timeouts, no header parsing beyond the framing). A
// measuring instrument, not product code: it shows how much of TransportOnly is curl and how
// much is the kernel's cost of four loopback round trips on this machine.
class MinimalTlsClient {
 public:
  using SslCtxPtr = std::unique_ptr<SSL_CTX, FreeWith<SSL_CTX_free>>;
  using SslPtr = std::unique_ptr<SSL, FreeWith<SSL_free>>;

  bool Connect(int port, const std::string& ca_pem) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    crypto::BioPtr bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
    crypto::X509Ptr ca(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!ctx_ || !ca || X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_.get()), ca.get()) != 1) {
      return false;
    }
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    ssl_.reset(SSL_new(ctx_.get()));
    SSL_set_fd(ssl_.get(), fd_);
    SSL_set1_host(ssl_.get(), "127.0.0.1");
    return SSL_connect(ssl_.get()) == 1;
  }
  ~MinimalTlsClient() {
    ssl_.reset();
    if (fd_ >= 0) close(fd_);
  }

  // GETs every path, pipelined (HTTP/1.1: all requests in one write, the responses in order);
  // one path is a plain GET. True when every response was a 200 with its whole body.
  bool Get(const std::vector<std::string>& paths) {
    std::string requests;
    for (const auto& path : paths) {
      requests += "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }
    if (SSL_write(ssl_.get(), requests.data(), static_cast<int>(requests.size())) <= 0) {
      return false;
    }
    std::string in;
    char buf[16384];
    for (size_t i = 0; i < paths.size(); ++i) {
      size_t used = 0;
      while ((used = ResponseLength(in)) == 0) {
        int n = SSL_read(ssl_.get(), buf, sizeof buf);
        if (n <= 0) return false;
        in.append(buf, static_cast<size_t>(n));
      }
      if (!in.starts_with("HTTP/1.1 200")) return false;
      in.erase(0, used);
    }
    return true;
  }

 private:
  // The length of the first whole response in `in`, or 0 while it is incomplete. notary-server
  // answers TUF files chunked (a JSON body never holds the last-chunk line), other paths with a
  // Content-Length.
  static size_t ResponseLength(const std::string& in) {
    size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    std::string_view head(in.data(), end);
    if (head.find("Transfer-Encoding: chunked") != std::string_view::npos) {
      size_t last = in.find("\r\n0\r\n\r\n", end + 2);
      return last == std::string::npos ? 0 : last + 7;
    }
    size_t length = head.find("Content-Length: ");
    if (length == std::string_view::npos) return 0;
    size_t total = end + 4 + std::stoul(in.substr(length + 16));
    return in.size() >= total ? total : 0;
  }

  SslCtxPtr ctx_;
  SslPtr ssl_;
  int fd_ = -1;
};

void BM_TransportFloor(benchmark::State& state) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  MinimalTlsClient client;
  int port = std::stoi(s->config.host.substr(s->config.host.rfind(':') + 1));
  if (!client.Connect(port, s->config.cert)) {
    state.SkipWithError("TLS connect failed");
    return;
  }
  const std::string base = std::string("/v2/") + kGun + "/_trust/tuf/";
  std::vector<std::string> paths;
  for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
    paths.push_back(base + role + ".json");
  }
  const bool pipelined = state.range(0) == 1;
  CpuSplit split(state);
  for (auto _ : state) {
    bool ok = true;
    if (pipelined) {
      ok = client.Get(paths);
    } else {
      for (const auto& path : paths) ok = ok && client.Get({path});
    }
    if (!ok) {
      state.SkipWithError("GET failed");
      return;
    }
  }
}

// A client's first request: a new HttpClient, TCP + TLS handshake (CA store set-up included)
// and one small GET. What a new validator, or a lost connection, costs.
void BM_FirstRequest(benchmark::State& state) {
  Setup* s = GetSetup();
  if (!s->server) {
    state.SkipWithError("notary-server not available");
    return;
  }
  CpuSplit split(state);
  for (auto _ : state) {
    auto http = net::HttpClient::Create({.extra_ca_pem = s->config.cert});
    auto got = (*http)->Send({.url = s->config.host + "/_notary_server/health"});
    if (!got.ok() || got->status != 200) {
      state.SkipWithError("GET failed");
      break;
    }
  }
}

void SignatureCheck(benchmark::State& state, crypto::KeyType type, crypto::SignatureScheme scheme) {
  auto key = crypto::PrivateKey::Generate(type);
  auto pub = key->Public();
  std::string message(700, 'm');  // about the size of a canonical snapshot
  auto sig = key->Sign(message, scheme);
  for (auto _ : state) benchmark::DoNotOptimize(pub->Verify(message, *sig, scheme));
}
void BM_EcdsaP256Verify(benchmark::State& state) {
  SignatureCheck(state, crypto::KeyType::kEcdsaP256, crypto::SignatureScheme::kEcdsaRaw);
}
void BM_Ed25519Verify(benchmark::State& state) {
  SignatureCheck(state, crypto::KeyType::kEd25519, crypto::SignatureScheme::kEd25519);
}

// The machine is shared: with --benchmark_repetitions, "min" is the least disturbed run.
double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

BENCHMARK(BM_ColdVerification)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", Min);
BENCHMARK(BM_WarmVerification)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", Min);
BENCHMARK(BM_ChainOnly)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("min", Min);
BENCHMARK(BM_ColdSplit)
    ->ArgsProduct({{0, 1}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("min", Min);
BENCHMARK(BM_TransportOnly)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("min", Min);
BENCHMARK(BM_TransportFloor)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("min", Min);
BENCHMARK(BM_FirstRequest)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", Min);
BENCHMARK(BM_EcdsaP256Verify)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", Min);
BENCHMARK(BM_Ed25519Verify)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", Min);

}  // namespace connaisseur::notaryv1::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  connaisseur::notaryv1::bench::SetupSlot().reset();
  benchmark::Shutdown();
  return 0;
}
