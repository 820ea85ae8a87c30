// bench/bench_attention.cc: one self-attention layer (d_model 512, 8 heads,
// bidirectional, one sentence of LEN tokens) with the plain or the tiled
// implementation, one configuration per process so that peak RSS is its own.
//   bench_attention plain|tiled LEN THREADS [REPEATS]
// Prints one tab-separated line: impl, len, inference forward ms (nothing saved, as
// when encoding for translation), training forward ms, backward ms (best of
// REPEATS), attention workspace MB kept for backward (probabilities or
// log-sum-exps), peak RSS MB.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "core/rng.h"
#include "core/threads.h"
#include "layers/attention.h"

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem;
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_attention plain|tiled LEN THREADS [REPEATS]\n");
    return 2;
  }
  const std::string impl = argv[1];
  const int len = std::stoi(argv[2]), repeats = argc > 4 ? std::stoi(argv[4]) : 3;
  set_threads(std::stoi(argv[3]));
  set_attention_impl(impl == "tiled" ? AttentionImpl::Tiled : AttentionImpl::Plain);
  AttentionOptions o;
  o.kind = AttentionKind::Bidirectional;
  o.d_model = 512;
  o.heads = 8;
  MultiHeadAttention attn(o);
  Rng rng(1);
  attn.init(rng);
  const auto stream = rng.next();
  Matrix x(len, 512), dy(len, 512);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    x.data()[i] = stream.normal(i);
    dy.data()[i] = stream.normal(x.size() + i) * 0.01f;
  }
  const SeqShape shape{1, len, {len}};
  double infer = 1e30, fwd = 1e30, bwd = 1e30, workspace = 0;
  for (int r = 0; r < repeats; ++r) {
    Matrix y, dx;
    auto t0 = std::chrono::steady_clock::now();
    attn.forward(AttentionInputs::self(x, shape), y, nullptr, nullptr);
    infer = std::min(infer, ms_since(t0));
    MultiHeadAttention::Saved saved;
    t0 = std::chrono::steady_clock::now();
    attn.forward(AttentionInputs::self(x, shape), y, &saved, nullptr);
    fwd = std::min(fwd, ms_since(t0));
    t0 = std::chrono::steady_clock::now();
    attn.backward(dy, saved, shape, nullptr, dx, nullptr);
    bwd = std::min(bwd, ms_since(t0));
    double floats = static_cast<double>(saved.lse.size());
    for (const auto& p : saved.probs) floats += static_cast<double>(p.size());
    workspace = floats * 4 / (1 << 20);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%s\t%d\t%.1f\t%.1f\t%.1f\t%.2f\t%.0f\n", impl.c_str(), len, infer, fwd, bwd, workspace,
              ru.ru_maxrss / 1024.0);
  return 0;
}
