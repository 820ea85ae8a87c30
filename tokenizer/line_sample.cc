#include "tokenizer/line_sample.h"

#include "core/error.h"
#include "core/rng.h"

namespace tandem {

LineSample::LineSample(size_t capacity, uint64_t seed) : capacity_(capacity), seed_(seed) {
  TANDEM_CHECK(capacity > 0) << "a line sample needs room for at least one line";
}

void LineSample::offer(std::string&& line) {
  if (line.empty()) return;
  const size_t i = seen_++;
  if (i < capacity_) {
    kept_.push_back(std::move(line));
    return;
  }
  // Line i replaces a kept one with probability capacity / (i + 1).
  const uint64_t j = splitmix64(seed_ ^ splitmix64(i)) % (static_cast<uint64_t>(i) + 1);
  if (j < capacity_) kept_[j] = std::move(line);
}

}  // namespace tandem
