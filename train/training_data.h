// train/training_data.h: the data one recipe trains and validates on, loaded
// per task (translate/summarize from parallel files, denoise from noised
// monolingual text), and the walk through its length-bucketed batches: one
// seeded order per epoch, `accumulate` batches per rank per update.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "train/checkpoint.h"
#include "train/dataset.h"
#include "train/recipe.h"
#include "train/run_setup.h"

namespace tandem {

// Validation: tokenized pairs for the loss, text for decoding and scoring.
struct ValidationSet {
  ParallelData pairs;
  std::vector<std::string> sources, references;  // the first valid_sentences of each pair
};

// One test pair as text (denoise: the noised text and its original).
struct TestPair {
  std::vector<std::string> sources, references;
};
TestPair load_test_pair(const Recipe& recipe, const DataFiles& part, const Tokenizer& vocab, int position_limit);

// The batches of one update (all ranks') and their target tokens.
struct UpdateGroup {
  std::vector<const std::vector<int>*> batches;
  long long tokens = 0;
};

class TrainingData {
 public:
  // Loads and tokenizes train and valid, and cuts the training batches.
  // Errors (no usable pair, a tag the vocabulary lacks) name the recipe.
  TrainingData(const Recipe& recipe, const Vocabularies& vocab, int position_limit);

  const ParallelData& train() const { return train_; }
  const ValidationSet& valid() const { return valid_; }
  const std::vector<std::vector<int>>& batches() const { return batches_; }
  // "train: N pairs, ..." for the log.
  std::string summary() const;

  // The next update's batches, advancing state.epoch/batch_in_epoch; false
  // (and *stop_reason set) once max_epochs is reached.
  bool next_group(TrainState& state, int batches_per_update, UpdateGroup& group, std::string* stop_reason);

 private:
  const Recipe& recipe_;
  ParallelData train_;
  ValidationSet valid_;
  std::vector<std::vector<int>> batches_;
  std::vector<int> order_;
  int order_epoch_ = -1;
};

}  // namespace tandem
