// ImageSource: the images `check` reads, streamed in input order so a million-line list never
// sits in memory at once: command-line arguments, then the `--images` list, then manifests.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cli/sourced_image.h"
#include "runtime/status.h"

namespace connaisseur::cli {

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // Stores the next image in `*image` and returns true, or returns false at the end (or after
  // a read error, reported by status()).
  virtual bool Next(SourcedImage* image) = 0;
  virtual Status status() const { return Status::Ok(); }
  // How many images this source holds, when known without reading it (-1 otherwise).
  virtual long long size_hint() const { return -1; }
};

// A fixed list: arguments (no origin), or the images found in manifests.
std::unique_ptr<ImageSource> ListSource(std::vector<std::string> images);
std::unique_ptr<ImageSource> ListSource(std::vector<SourcedImage> images);

// One reference per line from `path` ("-" = stdin); blank lines and lines starting with '#'
// (after leading blanks) are skipped, surrounding blanks and a trailing '\r' are trimmed.
StatusOr<std::unique_ptr<ImageSource>> LineFileSource(const std::string& path);

// The sources one after another.
std::unique_ptr<ImageSource> ConcatSource(std::vector<std::unique_ptr<ImageSource>> sources);

}  // namespace connaisseur::cli
