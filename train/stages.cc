#include "train/stages.h"

#include <sys/stat.h>

#include <cstdio>

namespace tandem {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

std::map<std::string, double> train_recipe_file(const std::string& path, const RecipeOverrides& overrides,
                                                const TrainOptions& options) {
  const Recipe recipe = load_recipe(path, overrides);
  if (recipe.stages.empty()) return train_recipe(recipe, options);
  std::map<std::string, double> results;
  const size_t n = recipe.stages.size();
  for (size_t i = 0; i < n; ++i) {
    RecipeOverrides with_stage = overrides;
    with_stage.stage = recipe.stages[i];
    const Recipe stage = load_recipe(path, with_stage);
    const std::string label = "stage " + std::to_string(i + 1) + "/" + std::to_string(n) + " (" + stage.stage + ")";
    if (options.dry_run && i > 0) {
      std::printf("then %s: starts from %s, writes %s\n", label.c_str(), stage.init_from.c_str(), stage.output.c_str());
      continue;
    }
    if (options.resume && exists(stage.output + "/model.h5")) {
      std::fprintf(stderr, "%s: finished before (%s/model.h5), skipped\n", label.c_str(), stage.output.c_str());
      continue;
    }
    std::fprintf(stderr, "%s: %s\n", label.c_str(), stage.output.c_str());
    TrainOptions stage_options = options;
    stage_options.resume = options.resume && exists(stage.output + "/checkpoints/last.h5");
    results = train_recipe(stage, stage_options);
  }
  return results;
}

}  // namespace tandem
