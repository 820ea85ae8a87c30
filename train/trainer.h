// train/trainer.h: `tandem train RECIPE`: vocabulary, data, the update loop
// with validation, checkpoints and early stopping, then checkpoint averaging,
// the final self-contained model file, and test-set scores.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "core/error.h"
#include "train/recipe.h"

namespace tandem {

// What on_update sees.
struct TrainProgress {
  long long update = 0;
  int epoch = 1;
  double loss = 0;  // of this update, per target token
  long long target_tokens = 0;  // trained on so far
  double elapsed_seconds = 0;
};

struct TrainOptions {
  bool resume = false;   // continue from RUN/checkpoints/last.h5
  bool overwrite = false;  // replace a run already in the output folder (else refused)
  bool dry_run = false;  // check everything, print the plan, train nothing
  bool profile = false;  // time the updates by operation class; print the table at the end
  // Called after each backward (before the finiteness check) with the number
  // of the update being attempted (1-based; a skipped update is attempted
  // again) and the parameters; tests use it to plant NaN gradients.
  std::function<void(long long update, const ParamList& params)> after_backward;
  // Called after each update; returning false stops training there: the
  // exact-resume checkpoint (checkpoints/last.h5) is written and
  // train_recipe throws TrainingInterrupted (continue with resume = true).
  // Ctrl-C in the CLI and in Python come through here.
  std::function<bool(const TrainProgress&)> on_update;
};

// Thrown by train_recipe when on_update asked to stop.
class TrainingInterrupted : public Error {
 public:
  using Error::Error;
};

// Returns the test results (e.g. {"test_bleu": 36.1, "test_chrf": 62.0}).
std::map<std::string, double> train_recipe(const Recipe& recipe, const TrainOptions& options);

}  // namespace tandem
