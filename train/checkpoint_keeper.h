// train/checkpoint_keeper.h: the checkpoints of a run on disk: RUN/checkpoints/
// last.h5 (everything to resume), the periodic model files (the newest
// `average` and the best `keep` by validation are kept, the rest removed), and
// the final model: the average of the kept checkpoints or the best single one,
// whichever scores better on validation. Every file is written atomically.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "train/checkpoint.h"
#include "train/recipe.h"

namespace tandem {

class CheckpointKeeper {
 public:
  CheckpointKeeper(const std::string& checkpoint_dir, const TrainRecipe& training);

  const std::string& last_path() const { return last_; }
  // A temporary checkpoint file can only be what a killed run left mid-write
  // (never complete, never renamed): removed, with the run's lock held.
  void remove_stale_temporaries() const;

  // Writes the periodic model file of state.update, records it in state.kept
  // with its validation metric, and removes those no longer kept.
  void write_periodic(const Seq2Seq& model, const ModelFileMeta& meta, TrainState& state, double metric) const;
  void write_last(const Seq2Seq& model, const ModelFileMeta& meta, const TrainState& state,
                  const OptimizerTensors& tensors) const;

  // Leaves the final weights in `model`: the mean of the kept checkpoints the
  // recipe averages, or the best single checkpoint when validation
  // (`validate_metric` of the weights in `model`) says it is better. Records
  // both scores and the choice in results; returns a line for the log.
  std::string choose_final(Seq2Seq& model, const TrainState& state,
                           const std::function<double()>& validate_metric,
                           std::map<std::string, double>& results) const;

 private:
  std::string dir_, last_;
  const TrainRecipe& t_;
};

}  // namespace tandem
