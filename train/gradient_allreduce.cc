#include "train/gradient_allreduce.h"

#include <algorithm>

#include "train/distributed.h"

namespace tandem {

GradientAllreduce::GradientAllreduce(size_t bucket_bytes)
    : bucket_(std::max<size_t>(1, bucket_bytes / sizeof(float))) {}

void GradientAllreduce::flush() {
  if (used_ == 0) return;
  dist::allreduce_sum(bucket_.data(), used_);
  size_t offset = 0;
  for (const auto& [grad, n] : waiting_) {
    std::copy(bucket_.data() + offset, bucket_.data() + offset + n, grad);
    offset += n;
  }
  waiting_.clear();
  used_ = 0;
}

size_t GradientAllreduce::run(const ParamList& params) {
  size_t bytes = 0;
  for (const auto& p : params) {
    Matrix& g = p.param->gradient();
    const size_t n = static_cast<size_t>(g.size());
    bytes += n * sizeof(float);
    if (n >= bucket_.size()) {
      dist::allreduce_sum(g.data(), n);
      continue;
    }
    if (used_ + n > bucket_.size()) flush();
    std::copy(g.data(), g.data() + n, bucket_.data() + used_);
    waiting_.emplace_back(g.data(), n);
    used_ += n;
  }
  flush();
  return bytes;
}

}  // namespace tandem
