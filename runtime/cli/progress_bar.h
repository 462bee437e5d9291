// ProgressBar: a one-line progress display on a terminal (stderr), redrawn at most ten times a
// second. Only constructed when stderr is a TTY and the run is long enough to need it; it never
// writes to stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace connaisseur::cli {

class ProgressBar {
 public:
  // `out` is borrowed (stderr). `total` < 0 when the number of images is not known up front.
  ProgressBar(std::FILE* out, long long total) : out_(out), total_(total) {}
  ~ProgressBar() { Finish(); }

  void Update(uint64_t done);
  // Erases the line; later calls do nothing.
  void Finish();

 private:
  std::FILE* out_;
  long long total_;
  bool drawn_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace connaisseur::cli
