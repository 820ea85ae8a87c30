// train/stages.h: `tandem train RECIPE` for a recipe with or without
// `stages:`. Stages (e.g. pretrain, then finetune) run in order in one
// command, each in OUTPUT/NAME with its own settings, each starting from the
// previous stage's OUTPUT/NAME/model.h5 (init_from). With --resume, stages that
// finished are skipped and the one that was interrupted continues.
#pragma once

#include <map>
#include <string>

#include "train/trainer.h"

namespace tandem {

// The last stage's results (or the recipe's, without stages).
std::map<std::string, double> train_recipe_file(const std::string& path, const RecipeOverrides& overrides,
                                                const TrainOptions& options);

}  // namespace tandem
