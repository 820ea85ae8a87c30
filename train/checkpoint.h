// train/checkpoint.h: the training state and its HDF5 form. A checkpoint is a
// model file (DESIGN.md §5) plus /train: the scalar state as YAML text
// (/train/state), Adam moments (/train/adam_m/..., /train/adam_v/...) and the
// EMA weights (/train/ema/...) under the parameter names. Written atomically.
#pragma once

#include <string>
#include <vector>

#include "io/model_file.h"

namespace tandem {

struct ValidRecord {
  long long update = 0;
  int epoch = 0;
  double loss = 0, ppl = 0, bleu = 0, chrf = 0;
  double rouge = -1;  // summarize: the mean F1 of ROUGE-1, -2 and -L; -1 = not scored
};

struct KeptCheckpoint {
  long long update = 0;
  double metric = 0;  // higher is better (loss is stored negated)
  std::string path;
};

struct TrainState {
  long long update = 0;
  int epoch = 0;                  // current epoch, 0-based
  long long batch_in_epoch = 0;   // next position in this epoch's batch order
  uint64_t rng_counter = 0;       // dropout streams used so far
  double elapsed = 0;             // training seconds, validation excluded
  long long tgt_tokens = 0;       // non-pad target tokens trained on
  double best_metric = -1e300;
  long long best_update = 0;
  int bad_validations = 0;        // since the best, for early stopping
  int nonfinite_in_a_row = 0;
  std::vector<ValidRecord> history;
  std::vector<KeptCheckpoint> kept;  // periodic checkpoints still on disk
};

struct OptimizerTensors {
  std::vector<Matrix>* adam_m = nullptr;
  std::vector<Matrix>* adam_v = nullptr;
  std::vector<Matrix>* ema = nullptr;  // may be null or empty
};

// Where the periodic checkpoint of `update` lives: the one naming rule, used
// when writing and when rebuilding the kept list of a resumed run.
std::string periodic_checkpoint_path(const std::string& checkpoint_dir, long long update);

void save_checkpoint(const std::string& path, const Seq2Seq& model, const ModelFileMeta& meta,
                     const TrainState& state, const OptimizerTensors& tensors);
// Loads params into `model` and fills state and tensors (sized like the params).
void load_checkpoint(const std::string& path, Seq2Seq& model, TrainState& state,
                     const OptimizerTensors& tensors);

std::string state_to_yaml(const TrainState& s);
TrainState state_from_yaml(const std::string& yaml, const std::string& where);

}  // namespace tandem
