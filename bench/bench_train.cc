// bench/bench_train.cc: training throughput of transformer-small (or any
// preset) on real Multi30k batches of a given token budget: forward, label-
// smoothed loss, backward, clipping and an Adam step per update, dropout on.
//   bench_train VOCAB.model SRC TGT PRESET BATCH_TOKENS THREADS UPDATES [DUMP_BATCHES|--profile|--bf16]...
// Skips 3 warm-up updates, then times UPDATES updates. With DUMP_BATCHES it
// also writes the timed batches (ids) so that bench/torch_train.py trains on
// exactly the same ones. With --profile it prints, on stderr, where the timed
// updates' time went by operation class (core/profile.h).
// Prints: updates, seconds, target tok/s, source+target tok/s, peak RSS MB.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/allocator.h"
#include "core/profile.h"
#include "core/rng.h"
#include "core/threads.h"
#include "kernels/gemm.h"
#include "model/presets.h"
#include "model/seq2seq.h"
#include "train/dataset.h"
#include "train/optimizer.h"

int main(int argc, char** argv) {
  tandem::keep_freed_memory_for_reuse();
  using namespace tandem;
  if (argc < 8) {
    std::fprintf(stderr, "usage: bench_train VOCAB.model SRC TGT PRESET BATCH_TOKENS THREADS UPDATES [DUMP]\n");
    return 2;
  }
  std::ifstream vf(argv[1], std::ios::binary);
  const Tokenizer tok(std::string(std::istreambuf_iterator<char>(vf), {}), argv[1]);
  const int budget = std::stoi(argv[5]), threads = std::stoi(argv[6]), updates = std::stoi(argv[7]);
  set_threads(threads);
  const ParallelData data = load_parallel(argv[2], argv[3], tok, tok, 128);
  const auto batches = make_train_batches(data, budget, 1);
  const auto order = epoch_order(batches.size(), 1, 0);
  ModelConfig c = resolve_model_config(argv[4]);
  c.src_vocab_size = c.tgt_vocab_size = tok.vocab_size();
  Seq2Seq model(c);
  model.init(1);
  OptimizerRecipe opt;
  Adam adam(model.params(), opt);
  Rng rng(7);
  const int warmup = 3;
  long long tgt_tokens = 0, all_tokens = 0;
  std::ofstream dump;
  bool profiling = false;
  for (int i = 8; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--profile") profiling = true;
    else if (arg == "--bf16") set_gemm_precision(GemmPrecision::BFloat16);  // train.precision: bf16
    else dump.open(arg);
  }
  std::chrono::steady_clock::time_point start;
  for (int u = 0; u < warmup + updates; ++u) {
    if (u == warmup) {
      start = std::chrono::steady_clock::now();
      profile::enable(profiling);
      profile::reset();
    }
    const auto& idx = batches[order[u % order.size()]];
    const Batch b = gather_batch(data, idx, tok.pad_id(), tok.bos_id(), tok.eos_id());
    model.zero_grad();
    long long n = 0;
    for (int i : idx) n += static_cast<long long>(data.tgt[i].size()) + 1;
    model.forward_backward(b, &rng, 0.1f, 1.f / n);
    const double norm = gradient_norm(model.params());
    if (norm > 1.0) scale_gradients(model.params(), static_cast<float>(1.0 / norm));
    adam.step(5e-4);
    if (u >= warmup) {
      tgt_tokens += n;
      for (int i : idx) all_tokens += static_cast<long long>(data.src[i].size());
      if (dump) {
        for (int i : idx) {
          for (int id : data.src[i]) dump << id << " ";
          dump << "|||";
          for (int id : data.tgt[i]) dump << " " << id;
          dump << "\n";
        }
        dump << "\n";
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (profiling) profile::print(stderr, updates);
  all_tokens += tgt_tokens;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%d\t%.2f\t%.0f\t%.0f\t%.0f\n", updates, seconds, tgt_tokens / seconds, all_tokens / seconds,
              ru.ru_maxrss / 1024.0);
  return 0;
}
