#include "serve/batch_scheduler.h"

#include <omp.h>

#include <algorithm>
#include <sstream>

#include "core/error.h"

namespace tandem {
namespace {

// Requests with equal keys may share a batch.
std::string settings_key(const SearchOptions& o) {
  std::ostringstream k;
  k << std::hexfloat;  // exact: 0.6 and 0.6000001 are other settings
  k << o.beam << '/' << o.nbest << '/' << o.length_penalty << '/' << o.max_len_a << '/' << o.max_len_b << '/'
    << o.min_len << '/' << o.no_repeat_ngram << '/' << static_cast<int>(o.sampling) << '/' << o.top_k << '/'
    << o.top_p << '/' << o.temperature << '/' << o.seed << '/' << o.record_attention;
  return k.str();
}

}  // namespace

bool Job::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return completed_ == inputs_; });
}

std::string Job::error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

bool Job::done() {
  std::lock_guard<std::mutex> lock(mutex_);
  return completed_ == inputs_;
}

BatchScheduler::BatchScheduler(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target,
                               const SchedulerOptions& options, OnBatch on_batch)
    : model_(model), source_(source), target_(target), options_(options), on_batch_(std::move(on_batch)),
      segmenter_(source, model.config().position_limit() - 1) {
  TANDEM_CHECK(options.workers >= 1 && options.threads_per_worker >= 1 && options.max_batch_tokens > 0)
      << "scheduler: workers, threads and batch tokens must be positive";
  for (int w = 0; w < options.workers; ++w) workers_.emplace_back([this] { work(); });
}

BatchScheduler::~BatchScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& t : workers_) t.join();
}

void BatchScheduler::drain() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    draining_ = true;
  }
  work_.notify_all();
}

int64_t BatchScheduler::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_;
}

std::shared_ptr<Job> BatchScheduler::submit(const std::vector<std::string>& texts, const SearchOptions& search,
                                            Job::OnResult on_result) {
  std::shared_ptr<Job> job(new Job(source_, target_, search.record_attention, std::move(on_result)));
  job->inputs_ = static_cast<int64_t>(texts.size());
  job->results.resize(texts.size());
  uint64_t key = 0;  // sampling streams as the CLI numbers them for the same lines
  std::vector<int64_t> empty;
  for (size_t i = 0; i < texts.size(); ++i) {
    const int pieces = segmenter_.split(texts[i], static_cast<int64_t>(i), job->segments_, &key);
    if (job->assembler_.expect(static_cast<int64_t>(i), pieces)) empty.push_back(static_cast<int64_t>(i));
  }
  {
    std::lock_guard<std::mutex> lock(job->mutex_);
    std::vector<TextHypothesis> result;
    while (job->assembler_.pop(result)) {
      const int64_t i = job->completed_++;
      job->results[static_cast<size_t>(i)] = std::move(result);
      if (job->on_result_) job->on_result_(i, job->results[static_cast<size_t>(i)]);
    }
  }
  if (job->segments_.empty()) return job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queued_ + static_cast<int64_t>(job->segments_.size()) > options_.max_queue)
      throw QueueFull("the decoding queue is full (" + std::to_string(queued_) + " sentences waiting)");
    Queue& q = queues_[settings_key(search)];
    q.search = search;
    const auto now = std::chrono::steady_clock::now();
    for (size_t s = 0; s < job->segments_.size(); ++s) q.items.push_back({job, s, now});
    queued_ += static_cast<int64_t>(job->segments_.size());
  }
  work_.notify_all();
  return job;
}

bool BatchScheduler::next_batch(std::unique_lock<std::mutex>& lock, SearchOptions& search, std::vector<Item>& batch) {
  using Clock = std::chrono::steady_clock;
  const auto wait = std::chrono::milliseconds(options_.max_wait_ms);
  for (;;) {
    // Drop what cancelled requests left queued.
    for (auto& [key, q] : queues_) {
      const size_t before = q.items.size();
      q.items.erase(std::remove_if(q.items.begin(), q.items.end(), [](const Item& i) { return i.job->cancelled(); }),
                    q.items.end());
      queued_ -= static_cast<int64_t>(before - q.items.size());
    }
    // The queue whose oldest sentence came first.
    Queue* oldest = nullptr;
    for (auto& [key, q] : queues_)
      if (!q.items.empty() && (!oldest || q.items.front().arrived < oldest->items.front().arrived)) oldest = &q;
    if (!oldest) {
      if (stopping_) return false;
      work_.wait(lock);
      continue;
    }
    // Take it when it fills a batch, when it has waited long enough, when
    // draining, or when no other worker is busy: then no request is about to
    // come back with company, and waiting would only add latency.
    long long tokens = 0;
    for (const auto& item : oldest->items) tokens += static_cast<long long>(item.job->segments_[item.segment].ids.size());
    const auto due = oldest->items.front().arrived + wait;
    // The token budget is shared by the workers (as translate's is): each
    // batch gets its part, so memory stays that of one full batch.
    const long long budget = std::max(1, options_.max_batch_tokens / std::max(1, options_.workers));
    if (!stopping_ && !draining_ && busy_ > 0 && tokens < budget && Clock::now() < due) {
      work_.wait_until(lock, due);
      continue;
    }
    search = oldest->search;
    take_batch(*oldest, budget, batch);
    queued_ -= static_cast<int64_t>(batch.size());
    ++busy_;
    return true;
  }
}

void BatchScheduler::take_batch(Queue& q, long long budget, std::vector<Item>& batch) {
  batch.clear();
  auto length = [&q](size_t i) { return static_cast<int>(q.items[i].job->segments_[q.items[i].segment].ids.size()); };
  // max_wait_ms 0: no batching across requests: the oldest request's sentences, in order.
  if (options_.max_wait_ms == 0) {
    const Job* first_job = q.items.front().job.get();
    int longest = 0;
    while (!q.items.empty() && q.items.front().job.get() == first_job) {
      const int len = length(0);
      if (!batch.empty() && static_cast<long long>(std::max(longest, len)) * static_cast<long long>(batch.size() + 1) > budget)
        break;
      longest = std::max(longest, len);
      batch.push_back(q.items.front());
      q.items.pop_front();
    }
    return;
  }
  // Sentences of similar length decode together (little padding, rows that
  // finish together), as translate's length-sorted batches do: sort what is
  // queued by length and grow a run around the oldest sentence (always in
  // the batch: nobody starves) while the padded size fits the budget.
  std::vector<size_t> order(q.items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return length(a) > length(b); });
  const size_t at = static_cast<size_t>(std::find(order.begin(), order.end(), size_t{0}) - order.begin());
  size_t lo = at, hi = at + 1;  // the run [lo, hi) in `order`; longest at lo
  auto fits = [&](size_t new_lo, size_t new_hi) {
    return static_cast<long long>(length(order[new_lo])) * static_cast<long long>(new_hi - new_lo) <= budget;
  };
  for (;;) {
    // Prefer the shorter neighbour (it does not raise the padded length).
    if (hi < order.size() && fits(lo, hi + 1)) ++hi;
    else if (lo > 0 && fits(lo - 1, hi)) --lo;
    else break;
  }
  std::vector<char> taken(q.items.size(), 0);
  for (size_t k = lo; k < hi; ++k) {
    taken[order[k]] = 1;
    batch.push_back(q.items[order[k]]);  // longest first
  }
  std::deque<Item> rest;
  for (size_t i = 0; i < q.items.size(); ++i)
    if (!taken[i]) rest.push_back(std::move(q.items[i]));
  q.items.swap(rest);
}

void BatchScheduler::deliver(const std::vector<Item>& batch, std::vector<std::vector<Hypothesis>>& results,
                             const std::string& error) {
  for (size_t j = 0; j < batch.size(); ++j) {
    Job& job = *batch[j].job;
    std::lock_guard<std::mutex> lock(job.mutex_);
    if (!error.empty() && job.error_.empty()) job.error_ = error;
    if (!results[j].empty()) job.output_tokens_ += static_cast<long long>(results[j][0].tokens.size()) + 1;
    job.assembler_.add(job.segments_[batch[j].segment], std::move(results[j]));
    std::vector<TextHypothesis> result;
    while (job.assembler_.pop(result)) {
      const int64_t i = job.completed_++;
      job.results[static_cast<size_t>(i)] = std::move(result);
      if (job.on_result_) job.on_result_(i, job.results[static_cast<size_t>(i)]);
    }
    job.changed_.notify_all();
  }
}

void BatchScheduler::work() {
  omp_set_num_threads(options_.threads_per_worker);
  std::vector<Item> batch;
  SearchOptions search;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!next_batch(lock, search, batch)) return;
    }
    std::vector<const Segment*> segments;  // each lives in its job, which the batch holds
    int longest = 0;
    for (const auto& item : batch) {
      segments.push_back(&item.job->segments_[item.segment]);
      longest = std::max(longest, static_cast<int>(segments.back()->ids.size()));
    }
    const int padded = longest * static_cast<int>(batch.size());
    search.concurrent_batches = options_.workers;
    const DecodeStrategy strategy(model_, search, {source_.pad_id(), target_.bos_id(), target_.eos_id()});
    std::vector<std::vector<Hypothesis>> results;
    std::string error;
    try {
      results = strategy.decode(segments, nullptr);
    } catch (const std::exception& e) {
      results.assign(batch.size(), {});  // the inputs come back empty; their requests report the error
      error = e.what();
    }
    deliver(batch, results, error);
    if (on_batch_) on_batch_(static_cast<int>(batch.size()), padded);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --busy_;
    }
    work_.notify_all();  // a waiting worker may now take its batch at once
  }
}

}  // namespace tandem
