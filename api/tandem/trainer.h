// tandem/trainer.h: `tandem train RECIPE.yaml` as a call: the same trainer,
// the same run folder, the same results.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tandem::api {

struct TrainProgress {
  long long update = 0;
  int epoch = 1;
  double loss = 0;               // of this update, per target token
  long long target_tokens = 0;   // trained on so far
  double elapsed_seconds = 0;
};

struct TrainOptions {
  std::vector<std::string> overrides;  // "key=value" recipe overrides, as --set
  std::string data_root;               // as --data-root ("" = $TANDEM_DATA, else the recipe's)
  bool resume = false;                 // continue the run from its last checkpoint
  bool overwrite = false;              // replace a run already in the output folder
  int threads = 0;                     // 0 = all cores
  // After each update; returning false stops training: the resume checkpoint
  // is written and train() throws Interrupted.
  std::function<bool(const TrainProgress&)> progress;
};

// The test results of the (last stage of the) run, e.g. {"test_bleu": 36.1}.
// Sets the process's malloc to keep freed memory for reuse (as the command
// does): training reallocates the same large buffers at every update.
std::map<std::string, double> train(const std::string& recipe_path, const TrainOptions& options = {});

}  // namespace tandem::api
