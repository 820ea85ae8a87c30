// train/gradient_allreduce.h: sums every parameter's gradient over the ranks
// of a data-parallel job. Small gradients (biases, norms) are packed into
// buckets of a few MB so a few dozen messages carry the whole model; a
// gradient larger than a bucket is reduced in place.
//
// Blocking (the default): run() after backward, one MPI_Allreduce per bucket.
// Overlapped: begin() before a rank's last backward of the update,
// ready(prefix) as backward finishes a layer (it starts non-blocking
// reductions of that layer's gradients while the layers below are still being
// differentiated), finish() after it. Every rank must make the same calls:
// the buckets, and so the MPI collectives, follow `order`, whichever of its
// prefixes a rank releases through ready() and which ones finish() does.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "layers/param.h"

namespace tandem {

class GradientAllreduce {
 public:
  explicit GradientAllreduce(size_t bucket_bytes = size_t{4} << 20);
  // Non-blocking reductions (MPI_Iallreduce) instead of blocking ones.
  void set_non_blocking(bool on) { non_blocking_ = on; }

  // order: the name prefixes in the order backward finishes them
  // (Seq2Seq::gradient_ready_order).
  void begin(const ParamList& params, const std::vector<std::string>& order);
  // The next prefix of `order` (called in order, each once).
  void ready(const std::string& prefix);
  // Releases what ready() did not, waits for every sum and unpacks them.
  // Afterwards every rank holds the same summed gradients. Returns the bytes
  // reduced (per rank).
  size_t finish();

  // begin + finish: all at once, after backward.
  size_t run(const ParamList& params, const std::vector<std::string>& order) {
    begin(params, order);
    return finish();
  }

 private:
  struct Bucket {
    std::vector<float> data;
    size_t used = 0;
    std::vector<std::pair<float*, size_t>> gradients;  // where each packed gradient goes back
  };
  void add(float* gradient, size_t n);
  // Adds every parameter not yet added whose name starts with prefix.
  void add_unstarted(const std::string& prefix);
  void start_open_bucket();

  void reduce(float* data, size_t n);  // blocking, or started

  size_t bucket_floats_;
  bool non_blocking_ = false;
  std::vector<Bucket> buckets_;  // kept across updates: no reallocation once warm
  size_t open_ = 0;              // the bucket being filled
  const ParamList* params_ = nullptr;
  std::vector<std::string> order_;
  size_t next_ = 0;            // the next prefix of order_ ready() expects
  std::vector<char> started_;  // per parameter
  size_t bytes_ = 0;
};

}  // namespace tandem
