// train/optimizer.h: Adam and AdamW over a ParamList, gradient clipping by
// global norm, and the learning-rate schedules. State (moments, step) is
// exposed so checkpoints can store it and resume exactly.
#pragma once

#include <string>
#include <vector>

#include "layers/param.h"

namespace tandem {

// The recipe's train.optimizer and train.schedule (train/recipe.h holds them).
struct OptimizerRecipe {
  std::string name = "adam";  // adam | adamw
  double lr = 5e-4;
  double beta1 = 0.9, beta2 = 0.98, eps = 1e-9;
  double weight_decay = 0;
};

struct ScheduleRecipe {
  std::string name = "inverse_sqrt";  // inverse_sqrt | linear | constant
  int warmup = 4000;
};

// lr at update `step` (1-based):
//   inverse_sqrt: lr * min(step / warmup, sqrt(warmup / step))   (peak lr at warmup)
//   linear:       lr * step / warmup, then linear decay to 0 at total_updates
//   constant:     lr (after a linear warmup if warmup > 0)
double learning_rate(const ScheduleRecipe& s, double lr, long long step, long long total_updates);

class Adam {
 public:
  Adam(const ParamList& params, const OptimizerRecipe& recipe);

  // One update with learning rate lr; gradients are read, not cleared.
  void step(double lr);
  long long steps() const { return step_; }
  void set_steps(long long s) { step_ = s; }
  std::vector<Matrix>& first_moments() { return m_; }
  std::vector<Matrix>& second_moments() { return v_; }

 private:
  ParamList params_;
  OptimizerRecipe recipe_;
  std::vector<Matrix> m_, v_;
  long long step_ = 0;
};

// Global L2 norm of the gradients of the parameters not frozen (double
// accumulation): frozen ones take no step, so they do not count for clipping.
double gradient_norm(const ParamList& params);
void scale_gradients(const ParamList& params, float factor);

}  // namespace tandem
