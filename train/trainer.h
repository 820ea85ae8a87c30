// train/trainer.h: `tandem train RECIPE`: vocabulary, data, the update loop
// with validation, checkpoints and early stopping, then checkpoint averaging,
// the final self-contained model file, and test-set scores.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "train/recipe.h"

namespace tandem {

struct TrainOptions {
  bool resume = false;   // continue from RUN/checkpoints/last.h5
  bool overwrite = false;  // replace a run already in the output folder (else refused)
  bool dry_run = false;  // check everything, print the plan, train nothing
  bool profile = false;  // time the updates by operation class; print the table at the end
  // Called after each backward (before the finiteness check) with the number
  // of the update being attempted (1-based; a skipped update is attempted
  // again) and the parameters; tests use it to plant NaN gradients.
  std::function<void(long long update, const ParamList& params)> after_backward;
};

// Returns the test results (e.g. {"test_bleu": 36.1, "test_chrf": 62.0}).
std::map<std::string, double> train_recipe(const Recipe& recipe, const TrainOptions& options);

}  // namespace tandem
