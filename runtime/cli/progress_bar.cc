#include "runtime/cli/progress_bar.h"

#include <algorithm>
#include <string>

namespace connaisseur::cli {

void ProgressBar::Update(uint64_t done) {
  if (finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  if (total_ > 0) {
    constexpr int kWidth = 30;
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    std::fprintf(out_, "\r[%s] %llu/%lld images (%.0f/s) ", bar.c_str(),
                 static_cast<unsigned long long>(done), total_, rate);
  } else {
    std::fprintf(out_, "\r%llu images checked (%.0f/s) ", static_cast<unsigned long long>(done),
                 rate);
  }
  std::fflush(out_);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_) {
    std::fputs("\r\033[K", out_);  // back to column 0, clear the line
    std::fflush(out_);
  }
}

}  // namespace connaisseur::cli
