// bench/bench_optimizer_step.cc: where a data-parallel update's optimizer step
// belongs (issue #13). Run under mpirun with N ranks:
//   mpirun -np 2 bench_optimizer_step PRESET VOCAB_SIZE THREADS REPEATS
// and it times, per update, on the preset's parameters (random gradients):
//   every rank steps:          the Adam step, on each rank at once;
//   rank 0 steps, broadcasts:  the Adam step on rank 0, then its parameters
//                              sent to the others (they wait meanwhile);
//   and the gradient all-reduce both layouts need before the step: blocking
//   (training's default), non-blocking (train.allreduce: overlap) and, for
//   scale, the same bytes as flat blocking MPI_Allreduce calls.
// Prints milliseconds per update (median of REPEATS) for each.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/threads.h"
#include "model/presets.h"
#include "model/seq2seq.h"
#include "train/distributed.h"
#include "train/gradient_allreduce.h"
#include "train/optimizer.h"

namespace {

double median_ms(int repeats, const std::function<void()>& work) {
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    tandem::dist::allreduce_max(0);  // start together
    const auto start = std::chrono::steady_clock::now();
    work();
    tandem::dist::allreduce_max(0);  // the update is done when the last rank is
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem;
  dist::init_if_launched(&argc, &argv);
  if (argc < 5) {
    std::fprintf(stderr, "usage: mpirun -np N bench_optimizer_step PRESET VOCAB_SIZE THREADS REPEATS\n");
    return 2;
  }
  ModelConfig c = resolve_model_config(argv[1]);
  c.src_vocab_size = c.tgt_vocab_size = std::stoi(argv[2]);
  set_threads(std::stoi(argv[3]));
  const int repeats = std::stoi(argv[4]);
  Seq2Seq model(c);
  model.init(1);
  Rng rng(3);
  const auto stream = rng.next();
  uint64_t k = 0;
  for (const auto& p : model.params()) {
    Matrix& g = p.param->gradient();
    for (Eigen::Index i = 0; i < g.size(); ++i) g.data()[i] = 1e-3f * stream.normal(k++);
  }
  Adam adam(model.params(), OptimizerRecipe{});
  GradientAllreduce allreduce;
  size_t bytes = 0;
  const double reduce = median_ms(repeats, [&] { bytes = allreduce.run(model.params(), model.gradient_ready_order()); });
  allreduce.set_non_blocking(true);  // train.allreduce: overlap, here with nothing to overlap
  const double non_blocking =
      median_ms(repeats, [&] { allreduce.run(model.params(), model.gradient_ready_order()); });
  // The same bytes through blocking MPI_Allreduce calls of 4 MB.
  std::vector<float> flat(bytes / sizeof(float), 1.f);
  const double blocking = median_ms(repeats, [&] {
    const size_t chunk = (size_t{4} << 20) / sizeof(float);
    for (size_t at = 0; at < flat.size(); at += chunk)
      dist::allreduce_sum(flat.data() + at, std::min(chunk, flat.size() - at));
  });
  const double every = median_ms(repeats, [&] { adam.step(1e-4); });
  const double root = median_ms(repeats, [&] {
    if (dist::is_root()) adam.step(1e-4);
    for (const auto& p : model.params()) dist::broadcast(p.param->value.data(), static_cast<size_t>(p.param->value.size()));
  });
  if (dist::is_root()) {
    std::printf("%s, %d ranks x %s threads, %.1f MB of parameters\n", argv[1], dist::size(), argv[3],
                bytes / 1048576.0);
    std::printf("gradient all-reduce, blocking (packed buckets):  %.2f ms per update\n", reduce);
    std::printf("the same, non-blocking (MPI_Iallreduce):         %.2f ms per update\n", non_blocking);
    std::printf("the same bytes, one flat MPI_Allreduce per 4 MB: %.2f ms per update\n", blocking);
    std::printf("every rank steps Adam:                           %.2f ms per update\n", every);
    std::printf("rank 0 steps Adam, broadcasts the parameters:    %.2f ms per update\n", root);
  }
  dist::finalize();
  return 0;
}
