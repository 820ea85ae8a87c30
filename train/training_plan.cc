#include "train/training_plan.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/duration.h"
#include "core/memory_limit.h"
#include "train/distributed.h"

namespace tandem {

TrainingMemory estimate_training_memory(const ModelConfig& config, double parameters, const TrainingData& data,
                                        const TrainRecipe& t) {
  size_t max_rows = 0, max_tgt_rows = 0;
  const ParallelData& train = data.train();
  for (const auto& b : data.batches()) {
    size_t s = 0, tg = 0;
    for (int i : b) s = std::max(s, train.src[i].size()), tg = std::max(tg, train.tgt[i].size() + 1);
    max_rows = std::max(max_rows, (s + tg) * b.size());
    max_tgt_rows = std::max(max_tgt_rows, tg * b.size());
  }
  const int layers = config.encoder_layers + config.decoder_layers;
  TrainingMemory m;
  // Weights, gradients, Adam's two moments (and EMA).
  m.state_bytes = parameters * 4 * (4 + (t.ema > 0 ? 1 : 0));
  // Kept for backward per token per layer (~16 d + 3 ffn floats), and one
  // 512-row chunk of logits and their gradient (the loss is computed in chunks,
  // kernels/projected_cross_entropy.h).
  m.activation_bytes =
      static_cast<double>(max_rows) * layers * (16.0 * config.d_model + 3.0 * config.ffn_dim) * 4 +
      static_cast<double>(std::min<size_t>(max_tgt_rows, 512)) * config.tgt_vocab_size * 4 * 2;
  // Token ids (and the vectors' own bookkeeping, ~24 bytes a side).
  const ParallelData& valid = data.valid().pairs;
  m.data_bytes = static_cast<double>(train.src_tokens + train.tgt_tokens + valid.src_tokens + valid.tgt_tokens) * 4 +
                 static_cast<double>(train.src.size() + valid.src.size()) * 2 * 24;
  return m;
}

void check_training_fits(const TrainingMemory& memory, const Recipe& recipe) {
  check_fits_in_memory(memory.total(),
                       "training (weights, gradients and optimizer state " + format_bytes(memory.state_bytes) +
                           ", activations of the largest batch " + format_bytes(memory.activation_bytes) +
                           ", data " + format_bytes(memory.data_bytes) + ")",
                       recipe.path + ": train.batch_tokens " + std::to_string(recipe.training.batch_tokens) +
                           ", train.max_len " + std::to_string(recipe.training.max_len));
}

void print_training_plan(const Recipe& r, const ModelConfig& config, const Vocabularies& vocab, double params,
                         const TrainingData& data, const TrainingMemory& memory) {
  const TrainRecipe& t = r.training;
  const ParallelData& train = data.train();
  long long padded = 0;
  for (const auto& b : data.batches()) {
    size_t s = 0, tg = 0;
    for (int i : b) s = std::max(s, train.src[i].size()), tg = std::max(tg, train.tgt[i].size() + 1);
    padded += static_cast<long long>((s + tg) * b.size());
  }
  std::printf("plan for %s\n", r.path.c_str());
  std::printf("  data root:        %s\n", r.data_root.c_str());
  std::printf("  vocabulary:       %d source, %d target pieces (%s)\n", config.src_vocab_size,
              config.tgt_vocab_size, vocab.joint ? "joint" : "separate");
  std::printf("  model:            %s, %.2fM parameters\n", r.model_source.c_str(), params / 1e6);
  std::istringstream model_yaml(model_config_to_yaml(config));
  for (std::string line; std::getline(model_yaml, line);) std::printf("    %s\n", line.c_str());
  std::printf("  train pairs:      %zu (skipped %d empty, %d over max_len %d)\n", train.src.size(),
              train.skipped_empty, train.skipped_long, t.max_len);
  const size_t batches = data.batches().size();
  std::printf("  batches/epoch:    %zu (budget %d tokens, %.0f%% of padded tokens are real)\n", batches,
              t.batch_tokens, 100.0 * (train.src_tokens + train.tgt_tokens) / std::max<long long>(1, padded));
  const int per_update = t.accumulate * dist::size();
  std::printf("  updates/epoch:    %zu (accumulate %d x %d rank(s))\n", (batches + per_update - 1) / per_update,
              t.accumulate, dist::size());
  std::printf("  global batch:     %d batches of <= %d tokens per update (batch_tokens is per batch;\n"
              "                    each rank takes %d of them)\n",
              per_update, t.batch_tokens, t.accumulate);
  std::printf("  precision:        %s%s\n", t.precision.c_str(),
              t.precision == "bf16" ? " (bf16 GEMM inputs; fp32 weights, sums, norms, softmax, loss;"
                                      " validation and test in fp32)"
                                    : "");
  std::printf("  limits:           max_epochs %d, max_updates %lld, max_time %s\n", t.max_epochs, t.max_updates,
              t.max_time > 0 ? human_duration(t.max_time).c_str() : "none");
  std::printf("  valid:            %zu pairs, every %d updates\n", data.valid().pairs.src.size(), t.valid_every);
  std::printf("  memory estimate:  %.0f MiB (weights+optimizer %.0f, activations %.0f, data %.0f)\n",
              memory.total() / 1048576.0, memory.state_bytes / 1048576.0, memory.activation_bytes / 1048576.0,
              memory.data_bytes / 1048576.0);
  std::printf("  output:           %s\n", r.output.c_str());
}

}  // namespace tandem
