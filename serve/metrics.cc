#include "serve/metrics.h"

#include <cstdio>
#include <sstream>

namespace tandem {

void Histogram::observe(double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

std::string Histogram::render(const std::string& name, const std::string& help) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  long long cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out << name << "_bucket{le=\"" << bounds_[i] << "\"} " << cumulative << "\n";
  }
  out << name << "_bucket{le=\"+Inf\"} " << count_ << "\n" << name << "_sum " << sum_ << "\n"
      << name << "_count " << count_ << "\n";
  return out.str();
}

ServerMetrics::ServerMetrics()
    : batch_sentences_({1, 2, 4, 8, 16, 32, 64, 128, 256}),
      batch_tokens_({64, 256, 1024, 2048, 4096, 8192, 16384}),
      latency_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}) {}

void ServerMetrics::request(const std::string& route, int status, double seconds) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{route, status}];
  }
  latency_.observe(seconds);
}

void ServerMetrics::batch(int sentences, int padded_tokens) {
  ++batches_;
  batch_sentences_.observe(sentences);
  batch_tokens_.observe(padded_tokens);
}

std::string ServerMetrics::render(const std::function<long long()>& queue_depth) const {
  std::ostringstream out;
  out << "# HELP tandem_requests_total HTTP requests by route and status.\n"
         "# TYPE tandem_requests_total counter\n";
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, n] : requests_)
      out << "tandem_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << "\n";
  }
  out << "# HELP tandem_sentences_in_total Sentences received for decoding.\n"
         "# TYPE tandem_sentences_in_total counter\ntandem_sentences_in_total "
      << sentences_in_ << "\n"
      << "# HELP tandem_sentences_out_total Sentences answered.\n"
         "# TYPE tandem_sentences_out_total counter\ntandem_sentences_out_total "
      << sentences_out_ << "\n"
      << "# HELP tandem_tokens_out_total Target tokens generated (EOS included).\n"
         "# TYPE tandem_tokens_out_total counter\ntandem_tokens_out_total "
      << tokens_out_ << "\n"
      << "# HELP tandem_batches_total Batches decoded.\n# TYPE tandem_batches_total counter\ntandem_batches_total "
      << batches_ << "\n"
      << "# HELP tandem_queue_sentences Sentences waiting to be decoded.\n# TYPE tandem_queue_sentences gauge\n"
         "tandem_queue_sentences "
      << queue_depth() << "\n"
      << batch_sentences_.render("tandem_batch_sentences", "Sentences per decoded batch.")
      << batch_tokens_.render("tandem_batch_padded_tokens", "Padded source tokens per decoded batch.")
      << latency_.render("tandem_request_seconds", "Request latency in seconds.");
  return out.str();
}

}  // namespace tandem
