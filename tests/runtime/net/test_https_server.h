// TestHttpsServer: a loopback HTTP/1.1 server (plain sockets + OpenSSL, one thread per
// connection, keep-alive) for tests. Every request goes to one handler; responses can be delayed
// (woken early on shutdown) to test deadlines. Debian's civetweb cannot do TLS with OpenSSL 3.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/status.h"

namespace connaisseur::testing {

struct TestRequest {
  std::string method;
  std::string path;                                          // without the query
  std::string query;                                         // without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  const std::string* Header(std::string_view lower_name) const;
};

struct TestResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before sending anything
  bool omit_content_length = false;    // end the body by closing the connection instead
  // Faults a hostile back-end commits (all off by default):
  size_t cut_after_bytes = SIZE_MAX;        // close after this many bytes of head and body
  size_t drip_bytes = 0;                    // send in writes of this many bytes ...
  std::chrono::milliseconds drip_every{0};  // ... this far apart (until the client goes away)
  bool endless_chunks = false;  // chunked body whose chunks never end (the client must cap it)
  bool Faulty() const { return cut_after_bytes != SIZE_MAX || drip_bytes > 0 || endless_chunks; }
};

class TestHttpsServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;

  // Serves https on 127.0.0.1 with a free port when `cert_pem`/`key_pem` are given, plain http
  // when both are empty. `handler` runs on civetweb's worker threads.
  static StatusOr<std::unique_ptr<TestHttpsServer>> Start(const std::string& cert_pem,
                                                          const std::string& key_pem,
                                                          Handler handler);
  ~TestHttpsServer();  // stops the server, waking delayed responses

  int port() const { return port_; }
  // "https://127.0.0.1:<port>" (or http://).
  std::string url() const;
  size_t requests() const { return requests_.load(); }
  size_t connections() const { return connections_.load(); }

 private:
  struct Impl;
  explicit TestHttpsServer(Handler handler);
  void AcceptLoop();
  void ServeConnection(int fd);
  // Writes `head` (status line and headers, blank line included) and the response's body with
  // its faults; false when the connection must close.
  template <typename Stream>
  bool WriteFaulty(Stream& stream, const std::string& head, const TestResponse& response);
  // Waits `d` or until the server stops; false when it stops.
  bool Sleep(std::chrono::milliseconds d);

  Handler handler_;
  std::unique_ptr<Impl> impl_;  // TLS context
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};  // written on shutdown to end AcceptLoop's poll
  bool tls_ = false;
  int port_ = 0;
  std::atomic<size_t> requests_{0};
  std::atomic<size_t> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;             // guarded by mu_
  std::vector<int> open_fds_;         // guarded by mu_: shut down on stop
  std::vector<std::thread> workers_;  // guarded by mu_
};

}  // namespace connaisseur::testing
