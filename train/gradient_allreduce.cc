#include "train/gradient_allreduce.h"

#include <algorithm>

#include "core/error.h"
#include "train/distributed.h"

namespace tandem {

GradientAllreduce::GradientAllreduce(size_t bucket_bytes)
    : bucket_floats_(std::max<size_t>(1, bucket_bytes / sizeof(float))) {}

void GradientAllreduce::begin(const ParamList& params, const std::vector<std::string>& order) {
  params_ = &params;
  order_ = order;
  next_ = 0;
  started_.assign(params.size(), 0);
  open_ = 0;
  for (auto& b : buckets_) {
    b.used = 0;
    b.gradients.clear();
  }
  bytes_ = 0;
}

void GradientAllreduce::reduce(float* data, size_t n) {
  if (non_blocking_) dist::allreduce_sum_start(data, n);
  else dist::allreduce_sum(data, n);
}

void GradientAllreduce::start_open_bucket() {
  if (open_ >= buckets_.size() || buckets_[open_].used == 0) return;
  Bucket& b = buckets_[open_];
  reduce(b.data.data(), b.used);
  ++open_;
}

void GradientAllreduce::add(float* gradient, size_t n) {
  bytes_ += n * sizeof(float);
  if (n >= bucket_floats_) {  // large enough to travel alone, in place
    reduce(gradient, n);
    return;
  }
  if (open_ < buckets_.size() && buckets_[open_].used + n > bucket_floats_) start_open_bucket();
  if (open_ == buckets_.size()) buckets_.emplace_back();
  Bucket& b = buckets_[open_];
  if (b.data.size() < bucket_floats_) b.data.resize(bucket_floats_);
  std::copy(gradient, gradient + n, b.data.data() + b.used);
  b.gradients.emplace_back(gradient, n);
  b.used += n;
}

void GradientAllreduce::ready(const std::string& prefix) {
  TANDEM_CHECK(params_ && next_ < order_.size() && order_[next_] == prefix)
      << "internal error: gradients of " << prefix << " released out of order";
  ++next_;
  add_unstarted(prefix);
  if (!non_blocking_) return;  // blocking sums wait for full buckets
  start_open_bucket();         // this layer's sums start now, not when a bucket fills
  dist::progress();            // and earlier ones move on
}

void GradientAllreduce::add_unstarted(const std::string& prefix) {
  const ParamList& params = *params_;
  for (size_t i = 0; i < params.size(); ++i) {
    if (started_[i] || params[i].name.compare(0, prefix.size(), prefix) != 0) continue;
    started_[i] = 1;
    Matrix& g = params[i].param->gradient();
    add(g.data(), static_cast<size_t>(g.size()));
  }
}

size_t GradientAllreduce::finish() {
  TANDEM_CHECK(params_) << "internal error: GradientAllreduce::finish without begin";
  while (next_ < order_.size()) ready(order_[next_]);
  add_unstarted("");  // what no prefix names
  start_open_bucket();
  dist::wait_all();
  for (auto& b : buckets_) {
    size_t offset = 0;
    for (const auto& [gradient, n] : b.gradients) {
      std::copy(b.data.data() + offset, b.data.data() + offset + n, gradient);
      offset += n;
    }
  }
  params_ = nullptr;
  return bytes_;
}

}  // namespace tandem
