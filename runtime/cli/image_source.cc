#include "runtime/cli/image_source.h"

#include <cerrno>
#include <cstring>
#include <string_view>

namespace connaisseur::cli {
namespace {

constexpr size_t kMaxLineBytes = 64 * 1024;

class VectorSource final : public ImageSource {
 public:
  explicit VectorSource(std::vector<SourcedImage> images) : images_(std::move(images)) {}
  bool Next(SourcedImage* image) override {
    if (next_ >= images_.size()) return false;
    *image = std::move(images_[next_++]);
    return true;
  }
  long long size_hint() const override { return static_cast<long long>(images_.size()); }

 private:
  std::vector<SourcedImage> images_;
  size_t next_ = 0;
};

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != stdin) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

class LineSource final : public ImageSource {
 public:
  LineSource(FilePtr file, std::string name) : file_(std::move(file)), name_(std::move(name)) {}

  bool Next(SourcedImage* image) override {
    image->origin.reset();
    while (ReadLine()) {
      std::string_view line = line_;
      const size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string_view::npos || line[first] == '#') continue;
      line.remove_prefix(first);
      line = line.substr(0, line.find_last_not_of(" \t\r") + 1);
      image->reference.assign(line);
      return true;
    }
    return false;
  }
  Status status() const override { return status_; }

 private:
  // Reads one line (without '\n') into line_ with large fgets-free reads; false at EOF.
  bool ReadLine() {
    line_.clear();
    int c;
    bool any = false;
    // getc_unlocked: one reader thread owns this FILE; the lock per byte is measurable at 1M lines.
    while ((c = getc_unlocked(file_.get())) != EOF) {
      any = true;
      if (c == '\n') return true;
      // A reference is at most a few hundred bytes; longer lines are cut (and then fail to
      // parse) so one endless line cannot exhaust memory.
      if (line_.size() < kMaxLineBytes) line_.push_back(static_cast<char>(c));
    }
    if (std::ferror(file_.get())) {
      status_ = InvalidArgumentError(name_ + ": read error: " + std::strerror(errno));
      return false;
    }
    return any;
  }

  FilePtr file_;
  std::string name_;
  std::string line_;
  Status status_;
};

class Concatenation final : public ImageSource {
 public:
  explicit Concatenation(std::vector<std::unique_ptr<ImageSource>> sources)
      : sources_(std::move(sources)) {}
  bool Next(SourcedImage* image) override {
    for (; current_ < sources_.size(); ++current_) {
      if (sources_[current_]->Next(image)) return true;
      if (!sources_[current_]->status().ok()) return false;
    }
    return false;
  }
  Status status() const override {
    for (const auto& s : sources_) {
      if (!s->status().ok()) return s->status();
    }
    return Status::Ok();
  }
  long long size_hint() const override {
    long long total = 0;
    for (const auto& s : sources_) {
      if (s->size_hint() < 0) return -1;
      total += s->size_hint();
    }
    return total;
  }

 private:
  std::vector<std::unique_ptr<ImageSource>> sources_;
  size_t current_ = 0;
};

}  // namespace

std::unique_ptr<ImageSource> ListSource(std::vector<std::string> images) {
  std::vector<SourcedImage> sourced(images.size());
  for (size_t i = 0; i < images.size(); ++i) sourced[i].reference = std::move(images[i]);
  return ListSource(std::move(sourced));
}

std::unique_ptr<ImageSource> ListSource(std::vector<SourcedImage> images) {
  return std::make_unique<VectorSource>(std::move(images));
}

StatusOr<std::unique_ptr<ImageSource>> LineFileSource(const std::string& path) {
  if (path == "-") {
    return std::unique_ptr<ImageSource>(std::make_unique<LineSource>(FilePtr(stdin), "stdin"));
  }
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return InvalidArgumentError(path + ": cannot open image list: " + std::strerror(errno));
  }
  return std::unique_ptr<ImageSource>(std::make_unique<LineSource>(std::move(file), path));
}

std::unique_ptr<ImageSource> ConcatSource(std::vector<std::unique_ptr<ImageSource>> sources) {
  return std::make_unique<Concatenation>(std::move(sources));
}

}  // namespace connaisseur::cli
