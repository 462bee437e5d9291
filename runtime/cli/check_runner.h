// CheckRunner: runs ImageEvaluators on worker threads over a streamed ImageSource and writes the
// results in input order.
//
// Memory stays bounded for any input length (except `table`, which must see every row to size
// its columns): images travel in batches, at most a fixed window of batches is in flight, and
// each batch is rendered by its worker and written (in order) as soon as it and every earlier
// batch are done. A repeated reference is evaluated once (a bounded memo of raw reference →
// result), so a million lines with repeats cost one evaluation per distinct image.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "runtime/cli/image_evaluator.h"
#include "runtime/cli/image_source.h"
#include "runtime/status.h"

namespace connaisseur::cli {

enum class OutputFormat { kTable, kJson, kJsonl };

struct CheckSummary {
  uint64_t total = 0;
  uint64_t allowed = 0;
  uint64_t denied = 0;
  uint64_t planned = 0;
  uint64_t detection_overrides = 0;  // denies turned into allows by detection mode
};

struct RunOptions {
  OutputFormat format = OutputFormat::kTable;
  // Progress bar target (stderr on a TTY) or null for none. Borrowed.
  std::FILE* progress = nullptr;
  // Show the bar only past this many images ("more than a few hundred").
  uint64_t progress_threshold = 300;
};

// Evaluates every image of `source` with one thread per evaluator and writes the rendering to
// `out` (borrowed). Fails only when reading the source fails (after writing what was read).
StatusOr<CheckSummary> RunCheck(ImageSource& source,
                                std::vector<std::unique_ptr<ImageEvaluator>> evaluators,
                                const RunOptions& options, std::FILE* out);

}  // namespace connaisseur::cli
