// train/gradient_allreduce.h: sums every parameter's gradient over the ranks
// of a data-parallel job. Small gradients (biases, norms) are packed into one
// bucket of a few MB so a few dozen messages carry the whole model; a gradient
// larger than a bucket is reduced in place.
#pragma once

#include <cstddef>
#include <vector>

#include "layers/param.h"

namespace tandem {

class GradientAllreduce {
 public:
  explicit GradientAllreduce(size_t bucket_bytes = size_t{4} << 20);
  // After this, every rank holds the same summed gradients. Returns the bytes
  // reduced (per rank).
  size_t run(const ParamList& params);

 private:
  void flush();

  std::vector<float> bucket_;
  size_t used_ = 0;
  std::vector<std::pair<float*, size_t>> waiting_;  // gradients packed in the bucket
};

}  // namespace tandem
