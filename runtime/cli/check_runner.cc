#include "runtime/cli/check_runner.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>

#include "runtime/cli/progress_bar.h"
#include "runtime/cli/result_format.h"

namespace connaisseur::cli {
namespace {

constexpr size_t kBatchSize = 512;           // images per unit of work
constexpr size_t kBatchesPerWorker = 8;      // in-flight window: bounds memory, keeps workers fed
constexpr size_t kMemoShards = 16;           // lock striping for the shared memo
constexpr size_t kMemoMaxEntries = 1 << 18;  // ~262k distinct references remembered, then no more

// Raw reference → result, shared by all workers. Results depend only on the reference (the
// options are fixed for the run), so a repeat is a lookup.
class ResultMemo {
 public:
  std::shared_ptr<const CheckResult> Find(const std::string& raw) {
    Shard& shard = ShardFor(raw);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(raw);
    return it == shard.map.end() ? nullptr : it->second;
  }
  void Insert(const std::string& raw, std::shared_ptr<const CheckResult> result) {
    Shard& shard = ShardFor(raw);
    std::lock_guard lock(shard.mu);
    if (shard.map.size() < kMemoMaxEntries / kMemoShards) shard.map.emplace(raw, std::move(result));
  }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<const CheckResult>> map;  // guarded by mu
  };
  Shard& ShardFor(const std::string& raw) {
    return shards_[std::hash<std::string>{}(raw) % kMemoShards];
  }
  Shard shards_[kMemoShards];
};

struct Batch {
  uint64_t seq = 0;
  std::vector<SourcedImage> images;
  std::string rendered;              // json/jsonl text of the batch
  std::vector<CheckResult> results;  // table only
  CheckSummary counts;
};

class Pipeline {
 public:
  Pipeline(std::vector<std::unique_ptr<ImageEvaluator>> evaluators, const RunOptions& options)
      : evaluators_(std::move(evaluators)), options_(options) {}

  StatusOr<CheckSummary> Run(ImageSource& source, std::FILE* out);

 private:
  // One worker thread per evaluator. A jthread asks its worker to stop and joins it when it goes
  // out of scope, so a throw on the reading thread never leaves a joinable std::thread behind
  // (std::terminate) nor a worker waiting for input forever.
  std::vector<std::jthread> StartWorkers();
  void Work(std::stop_token stop, ImageEvaluator* evaluator);
  // Reads the next batch of up to kBatchSize images; null at the end of the input.
  std::unique_ptr<Batch> ReadBatch(ImageSource& source);
  void Queue(std::unique_ptr<Batch> batch);
  void EndInput();
  // Writes every finished batch that is next in order; with `block`, first waits until the
  // batch `next_write_` is finished.
  void Drain(bool block, std::FILE* out);
  void Count(const CheckResult& result, CheckSummary& counts) const;
  void WriteEnd(std::FILE* out);
  void Process(ImageEvaluator* evaluator, Batch* batch);
  void Write(Batch& batch, std::FILE* out);

  std::vector<std::unique_ptr<ImageEvaluator>> evaluators_;
  const RunOptions options_;
  ResultMemo memo_;

  std::mutex mu_;
  std::condition_variable_any work_cv_;              // a batch was queued or input ended
  std::condition_variable done_cv_;                  // a batch was finished
  std::deque<std::unique_ptr<Batch>> queue_;         // guarded by mu_
  std::map<uint64_t, std::unique_ptr<Batch>> done_;  // guarded by mu_
  bool input_done_ = false;                          // guarded by mu_

  // Reader and writer state (main thread only).
  bool more_input_ = true;   // the source has not reported its end yet
  uint64_t next_seq_ = 0;    // of the next batch read
  uint64_t next_write_ = 0;  // of the next batch to write
  CheckSummary summary_;
  std::vector<CheckResult> table_rows_;
  bool wrote_any_json_ = false;
  std::optional<ProgressBar> progress_;
  long long size_hint_ = -1;
};

std::vector<std::jthread> Pipeline::StartWorkers() {
  std::vector<std::jthread> workers;
  workers.reserve(evaluators_.size());
  for (auto& evaluator : evaluators_) {
    workers.emplace_back(
        [this, e = evaluator.get()](std::stop_token stop) { Work(std::move(stop), e); });
  }
  return workers;
}

void Pipeline::Work(std::stop_token stop, ImageEvaluator* evaluator) {
  for (;;) {
    std::unique_ptr<Batch> batch;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, stop, [&] { return !queue_.empty() || input_done_; });
      if (queue_.empty() || stop.stop_requested()) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    Process(evaluator, batch.get());
    {
      std::lock_guard lock(mu_);
      const uint64_t seq = batch->seq;
      done_.emplace(seq, std::move(batch));
    }
    done_cv_.notify_all();
  }
}

void Pipeline::Process(ImageEvaluator* evaluator, Batch* batch) {
  const bool table = options_.format == OutputFormat::kTable;
  for (size_t i = 0; i < batch->images.size(); ++i) {
    const std::string& raw = batch->images[i].reference;
    std::shared_ptr<const CheckResult> result = memo_.Find(raw);
    if (result == nullptr) {
      // The one catch-all of a worker task: whatever escapes evaluation denies this image.
      try {
        result = std::make_shared<const CheckResult>(evaluator->Evaluate(raw));
      } catch (...) {
        CheckResult failed;
        failed.image = raw;
        failed.reason = "internal error while checking image " + raw;
        result = std::make_shared<const CheckResult>(std::move(failed));
      }
      memo_.Insert(raw, result);
    }
    // The verdict depends on the reference only; where it was found, on this occurrence.
    if (std::optional<ImageOrigin>& origin = batch->images[i].origin) {
      auto located = std::make_shared<CheckResult>(*result);
      located->origin = std::move(origin);
      result = std::move(located);
    }
    Count(*result, batch->counts);
    if (table) {
      batch->results.push_back(*result);
    } else {
      if (options_.format == OutputFormat::kJson && i > 0) batch->rendered.append(",\n");
      AppendJsonObject(*result, &batch->rendered);
      if (options_.format == OutputFormat::kJsonl) batch->rendered.push_back('\n');
    }
  }
  batch->images.clear();
  batch->images.shrink_to_fit();
}

void Pipeline::Count(const CheckResult& result, CheckSummary& counts) const {
  ++counts.total;
  switch (result.verdict) {
    case Verdict::kAllow:
      ++counts.allowed;
      break;
    case Verdict::kDeny:
      ++counts.denied;
      break;
    case Verdict::kPlan:
      ++counts.planned;
      break;
  }
  if (result.detection_override) ++counts.detection_overrides;
}

void Pipeline::Write(Batch& batch, std::FILE* out) {
  summary_.total += batch.counts.total;
  summary_.allowed += batch.counts.allowed;
  summary_.denied += batch.counts.denied;
  summary_.planned += batch.counts.planned;
  summary_.detection_overrides += batch.counts.detection_overrides;
  switch (options_.format) {
    case OutputFormat::kTable:
      for (CheckResult& r : batch.results) table_rows_.push_back(std::move(r));
      break;
    case OutputFormat::kJson:
      if (batch.rendered.empty()) break;
      std::fputs(wrote_any_json_ ? ",\n" : "[\n", out);
      wrote_any_json_ = true;
      [[fallthrough]];
    case OutputFormat::kJsonl:
      std::fwrite(batch.rendered.data(), 1, batch.rendered.size(), out);
      break;
  }
  if (options_.progress != nullptr && summary_.total > options_.progress_threshold) {
    if (!progress_) progress_.emplace(options_.progress, size_hint_);
    progress_->Update(summary_.total);
  }
}

std::unique_ptr<Batch> Pipeline::ReadBatch(ImageSource& source) {
  auto batch = std::make_unique<Batch>();
  batch->images.reserve(kBatchSize);
  SourcedImage image;
  while (batch->images.size() < kBatchSize && more_input_ && (more_input_ = source.Next(&image))) {
    batch->images.push_back(std::move(image));
  }
  if (batch->images.empty()) return nullptr;
  batch->seq = next_seq_++;
  return batch;
}

void Pipeline::Queue(std::unique_ptr<Batch> batch) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(batch));
  }
  work_cv_.notify_one();
}

void Pipeline::EndInput() {
  {
    std::lock_guard lock(mu_);
    input_done_ = true;
  }
  work_cv_.notify_all();
}

void Pipeline::Drain(bool block, std::FILE* out) {
  for (;;) {
    std::unique_ptr<Batch> ready;
    {
      std::unique_lock lock(mu_);
      if (block) done_cv_.wait(lock, [&] { return done_.count(next_write_) != 0; });
      auto it = done_.find(next_write_);
      if (it == done_.end()) return;
      ready = std::move(it->second);
      done_.erase(it);
    }
    Write(*ready, out);
    ++next_write_;
    block = false;
  }
}

void Pipeline::WriteEnd(std::FILE* out) {
  if (progress_) progress_->Finish();
  switch (options_.format) {
    case OutputFormat::kTable: {
      const std::string table = RenderTable(table_rows_);
      std::fwrite(table.data(), 1, table.size(), out);
      break;
    }
    case OutputFormat::kJson:
      std::fputs(wrote_any_json_ ? "\n]\n" : "[]\n", out);
      break;
    case OutputFormat::kJsonl:
      break;
  }
  std::fflush(out);
}

StatusOr<CheckSummary> Pipeline::Run(ImageSource& source, std::FILE* out) {
  size_hint_ = source.size_hint();
  const size_t window = kBatchesPerWorker * evaluators_.size();
  std::vector<std::jthread> workers = StartWorkers();
  while (std::unique_ptr<Batch> batch = ReadBatch(source)) {
    Queue(std::move(batch));
    Drain(/*block=*/next_seq_ - next_write_ >= window, out);
  }
  EndInput();
  while (next_write_ < next_seq_) Drain(/*block=*/true, out);
  workers.clear();  // joins them: every batch is written, so each has left its loop
  WriteEnd(out);
  if (!source.status().ok()) return source.status();
  return summary_;
}

}  // namespace

StatusOr<CheckSummary> RunCheck(ImageSource& source,
                                std::vector<std::unique_ptr<ImageEvaluator>> evaluators,
                                const RunOptions& options, std::FILE* out) {
  Pipeline pipeline(std::move(evaluators), options);
  return pipeline.Run(source, out);
}

}  // namespace connaisseur::cli
