// kernels/onednn_util.h: what the oneDNN-backed kernels share (built only with
// TANDEM_HAVE_ONEDNN): the calling thread's engine and stream, and how many
// threads one product gets.
#pragma once

#include <omp.h>

#include <dnnl.hpp>

namespace tandem::onednn {

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

// Per thread: products run inside parallel loops too, and a stream is not
// meant to be shared between threads.
inline Context& context() {
  thread_local Context ctx;
  return ctx;
}

// Below this many multiply-adds a product runs on the calling thread: waking
// the pool costs more than it saves (bench_gemm: a 4x256x1024 decoding step
// ran at 66 GFLOP/s on one thread and 30-58 on two; 128x256x256 gains from two).
constexpr double kSmallMacs = 4.0 * (1 << 20);

// `cost` is a multiply-add's cost relative to fp32: an int8 one costs about a
// quarter (VNNI), a bf16 one half, so the product worth a second thread is
// that much larger.
inline double mac_cost(bool int8, bool bf16) { return int8 ? 0.25 : bf16 ? 0.5 : 1.0; }
inline int threads_for(double macs, double cost = 1.0) {
  return omp_in_parallel() || cost * macs < kSmallMacs ? 1 : omp_get_max_threads();
}

// Sets the calling thread's OpenMP team size for one product, then restores it.
class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : saved_(omp_get_max_threads()) {
    if (n != saved_) omp_set_num_threads(n);
  }
  ~ScopedThreads() {
    if (omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int saved_;
};

}  // namespace tandem::onednn
