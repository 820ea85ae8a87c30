// serve/metrics.h: what `GET /metrics` reports, in Prometheus' text format:
// requests by route and status, sentences and tokens in and out, the queue's
// depth, and histograms of batch sizes and request latencies.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tandem {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}
  void observe(double value);
  // name_bucket{le="..."} lines, name_sum and name_count.
  std::string render(const std::string& name, const std::string& help) const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::vector<long long> counts_;
  double sum_ = 0;
  long long count_ = 0;
};

class ServerMetrics {
 public:
  ServerMetrics();
  void request(const std::string& route, int status, double seconds);
  void sentences_in(long long n) { sentences_in_ += n; }
  void tokens_out(long long n) { tokens_out_ += n; }
  void sentences_out(long long n) { sentences_out_ += n; }
  void batch(int sentences, int padded_tokens);
  // queue_depth: called at render time (sentences waiting, over all models).
  std::string render(const std::function<long long()>& queue_depth) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::atomic<long long> sentences_in_{0}, sentences_out_{0}, tokens_out_{0}, batches_{0};
  Histogram batch_sentences_, batch_tokens_, latency_;
};

}  // namespace tandem
