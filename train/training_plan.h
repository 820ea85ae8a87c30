// train/training_plan.h: what a run will need, known before its first update:
// the memory of training (weights, gradients, optimizer state and EMA, the
// activations of the largest batch, the tokenized data), checked against the
// machine at start-up, and the plan `tandem train --dry-run` prints.
#pragma once

#include "train/run_setup.h"
#include "train/training_data.h"

namespace tandem {

struct TrainingMemory {
  double state_bytes = 0;       // weights, gradients, Adam moments, EMA
  double activation_bytes = 0;  // kept for backward, for the largest batch
  double data_bytes = 0;        // the tokenized training and validation pairs
  double total() const { return state_bytes + activation_bytes + data_bytes; }
};

// parameters: the model's count, or ModelConfig::parameter_estimate() before
// the model is allocated (the check comes first).
TrainingMemory estimate_training_memory(const ModelConfig& config, double parameters, const TrainingData& data,
                                        const TrainRecipe& training);
// Throws, naming the recipe and its batch_tokens, when training would need
// more memory than the machine has.
void check_training_fits(const TrainingMemory& memory, const Recipe& recipe);

void print_training_plan(const Recipe& recipe, const ModelConfig& config, const Vocabularies& vocab,
                         double parameters, const TrainingData& data, const TrainingMemory& memory);

}  // namespace tandem
