// bench/bench_gemm.cc: achieved GFLOP/s of the GEMM shapes one training update
// of transformer-small runs (2,048 tokens a side, d 256, ffn 1,024, vocab
// 8,000), for the fast path (`gemm`) and Eigen (`gemm_eigen`) side by side,
// against this machine's FMA peak measured by the same program.
//   bench_gemm THREADS [REPEATS]
// Prints a markdown table.
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/threads.h"
#include "kernels/gemm.h"

namespace {

using tandem::Matrix;
using tandem::Trans;
using Clock = std::chrono::steady_clock;

// Independent FMA chains on full-width registers: the arithmetic ceiling of one core.
double fma_peak_gflops_one_thread() {
#if defined(__AVX512F__)
  using Vec = __m512;
  constexpr int kLanes = 16;
  auto fma = [](Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); };
  auto splat = [](float x) { return _mm512_set1_ps(x); };
  auto lane0 = [](Vec v) { return _mm512_reduce_add_ps(v); };
#else
  using Vec = __m256;
  constexpr int kLanes = 8;
  auto fma = [](Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); };
  auto splat = [](float x) { return _mm256_set1_ps(x); };
  auto lane0 = [](Vec v) { return _mm256_cvtss_f32(v); };
#endif
  constexpr int kChains = 12;
  const long long iterations = 20000000;
  Vec acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = splat(1.f + i * 1e-3f);
  const Vec mul = splat(0.999999f), add = splat(1e-7f);
  const auto start = Clock::now();
  for (long long it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains; ++i) acc[i] = fma(acc[i], mul, add);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  float sink = 0;
  for (int i = 0; i < kChains; ++i) sink += lane0(acc[i]);
  if (sink == 12345.f) std::printf(" ");  // keep the chains alive
  return 2.0 * kLanes * kChains * iterations / seconds / 1e9;
}

struct Shape {
  const char* what;
  int m, k, n;
  Trans ta, tb;
};

template <typename F>
double gflops(const Shape& s, int repeats, F&& multiply) {
  const Matrix a = s.ta == Trans::No ? Matrix::Random(s.m, s.k) : Matrix::Random(s.k, s.m);
  const Matrix b = s.tb == Trans::No ? Matrix::Random(s.k, s.n) : Matrix::Random(s.n, s.k);
  Matrix c = Matrix::Zero(s.m, s.n);
  multiply(a, s.ta, b, s.tb, c);  // warm-up: primitive creation, page faults
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    multiply(a, s.ta, b, s.tb, c);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return 2.0 * s.m * s.k * s.n / best / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_gemm THREADS [REPEATS]\n");
    return 2;
  }
  const int threads = std::stoi(argv[1]);
  const int repeats = argc > 2 ? std::stoi(argv[2]) : 5;
  tandem::set_threads(threads);
  const double peak = fma_peak_gflops_one_thread() * threads;
  const Shape shapes[] = {
      {"attn proj fwd x W^T", 2048, 256, 256, Trans::No, Trans::Yes},
      {"ffn1 fwd x W^T", 2048, 256, 1024, Trans::No, Trans::Yes},
      {"ffn2 fwd x W^T", 2048, 1024, 256, Trans::No, Trans::Yes},
      {"ffn1 bwd dX = dY W", 2048, 1024, 256, Trans::No, Trans::No},
      {"ffn1 bwd dW += dY^T X", 1024, 2048, 256, Trans::Yes, Trans::No},
      {"output proj fwd", 2048, 256, 8000, Trans::No, Trans::Yes},
      {"output proj bwd dX", 2048, 8000, 256, Trans::No, Trans::No},
      {"output proj bwd dW", 8000, 2048, 256, Trans::Yes, Trans::No},
      {"attn scores (1 head, 30 tok)", 30, 64, 30, Trans::No, Trans::Yes},
      {"decode step proj (128 rows)", 128, 256, 256, Trans::No, Trans::Yes},
      {"decode step output (128 rows)", 128, 256, 8000, Trans::No, Trans::Yes},
      {"decode step (4 rows)", 4, 256, 1024, Trans::No, Trans::Yes},
  };
  std::printf("gemm backend: %s, %d thread(s), FMA peak %.0f GFLOP/s\n\n",
              tandem::gemm_backend().c_str(), threads, peak);
  std::printf("| shape | m x k x n | fast GFLOP/s | %% of peak | Eigen GFLOP/s | fast / Eigen |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& s : shapes) {
    const double fast = gflops(s, repeats, [](auto& a, Trans ta, auto& b, Trans tb, Matrix& c) {
      tandem::gemm(a, ta, b, tb, c);
    });
    const double eigen = gflops(s, repeats, [](auto& a, Trans ta, auto& b, Trans tb, Matrix& c) {
      tandem::gemm_eigen(a, ta, b, tb, c);
    });
    std::printf("| %s | %dx%dx%d | %.1f | %.0f%% | %.1f | %.2f |\n", s.what, s.m, s.k, s.n, fast,
                100 * fast / peak, eigen, fast / eigen);
  }
  return 0;
}
