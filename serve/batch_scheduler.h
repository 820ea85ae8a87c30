// serve/batch_scheduler.h: batching across requests. The sentences of every
// pending request for one model wait in one queue per decoding setting (beam,
// length penalty, ...: batches never mix settings); W workers each take a
// batch when the oldest sentence has waited max_wait_ms or a token budget is
// full, decode it (search/decode_strategy.h) and hand each result back to its
// request, whose assembler (search/assembler.h) puts it in input order. A
// request learns each input the moment it is complete (for streaming), can be
// cancelled (its sentences still queued are dropped), and has a deadline.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "search/assembler.h"
#include "search/decode_strategy.h"
#include "search/segmenter.h"

namespace tandem {

struct SchedulerOptions {
  int workers = 1;            // batches decoded at the same time
  int threads_per_worker = 1;
  int max_batch_tokens = 4096;  // padded source tokens per batch
  // How long the oldest sentence waits for company while another worker is
  // busy (an idle server decodes at once); 0: one request per batch.
  int max_wait_ms = 10;
  int max_queue = 10000;      // sentences waiting, over all requests; more: refused
};

// Thrown by submit() when the queue is full (the server answers 429).
struct QueueFull : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One request's sentences and what has come back for them.
class Job {
 public:
  using OnResult = std::function<void(int64_t input, const std::vector<TextHypothesis>& nbest)>;
  // Results so far, in input order (complete when done()).
  std::vector<std::vector<TextHypothesis>> results;
  // Waits until every input is complete or `deadline`; false on the deadline.
  bool wait_until(std::chrono::steady_clock::time_point deadline);
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }
  bool done();
  long long output_tokens() const { return output_tokens_; }
  // Why decoding failed ("" when it did not): the server answers 500 with it.
  std::string error();

 private:
  friend class BatchScheduler;
  Job(const Tokenizer& source, const Tokenizer& target, bool attention, OnResult on_result)
      : assembler_(source, target, attention, nullptr), on_result_(std::move(on_result)) {}
  std::mutex mutex_;
  std::condition_variable changed_;
  Assembler assembler_;
  OnResult on_result_;
  std::vector<Segment> segments_;
  int64_t inputs_ = 0, completed_ = 0;
  long long output_tokens_ = 0;
  std::string error_;
  std::atomic<bool> cancelled_{false};
};

class BatchScheduler {
 public:
  // Called after each batch with its sentence count (for metrics).
  using OnBatch = std::function<void(int sentences, int padded_tokens)>;
  BatchScheduler(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target,
                 const SchedulerOptions& options, OnBatch on_batch = nullptr);
  ~BatchScheduler();  // stops the workers after the queue has drained

  // Queues the texts (split by the model's limit) under `search`; throws
  // QueueFull when they do not fit in the queue.
  std::shared_ptr<Job> submit(const std::vector<std::string>& texts, const SearchOptions& search,
                              Job::OnResult on_result = nullptr);
  int64_t queued() const;  // sentences waiting
  // From now on batches go out without waiting for company (shutting down).
  void drain();

 private:
  struct Item {
    std::shared_ptr<Job> job;
    size_t segment;
    std::chrono::steady_clock::time_point arrived;
  };
  struct Queue {
    SearchOptions search;
    std::deque<Item> items;
  };
  void work();
  // Moves a batch out of q: sentences of similar length around the oldest one.
  void take_batch(Queue& q, long long budget, std::vector<Item>& batch);
  // Takes the next batch (under the lock); false when stopping and empty.
  bool next_batch(std::unique_lock<std::mutex>& lock, SearchOptions& search, std::vector<Item>& batch);
  void deliver(const std::vector<Item>& batch, std::vector<std::vector<Hypothesis>>& results,
               const std::string& error);

  const Seq2Seq& model_;
  const Tokenizer& source_;
  const Tokenizer& target_;
  SchedulerOptions options_;
  OnBatch on_batch_;
  Segmenter segmenter_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::map<std::string, Queue> queues_;  // by the settings' key
  int64_t queued_ = 0;
  bool stopping_ = false, draining_ = false;
  int busy_ = 0;  // workers decoding a batch now
  std::vector<std::thread> workers_;
};

}  // namespace tandem
