#include "train/stages.h"

#include <cstdio>

#include "io/paths.h"
#include "train/distributed.h"
#include "train/run_folder.h"

namespace tandem {
namespace {

// Before the first stage trains: a later stage's folder holding an old run is
// refused now, not after hours of the stages before it.
void check_stage_folders(const std::vector<Recipe>& stages, const TrainOptions& options) {
  if (options.dry_run || options.resume || options.overwrite) return;
  for (const auto& stage : stages) claim_run_folder(stage.output, /*resume=*/false, /*overwrite=*/false);
}

}  // namespace

std::map<std::string, double> train_recipe_file(const std::string& path, const RecipeOverrides& overrides,
                                                const TrainOptions& options) {
  const std::vector<Recipe> stages = load_recipe_stages(path, overrides);
  if (stages.size() == 1 && stages[0].stage.empty()) return train_recipe(stages[0], options);
  check_stage_folders(stages, options);
  std::map<std::string, double> results;
  const size_t n = stages.size();
  for (size_t i = 0; i < n; ++i) {
    const Recipe& stage = stages[i];
    const std::string label = "stage " + std::to_string(i + 1) + "/" + std::to_string(n) + " (" + stage.stage + ")";
    if (options.dry_run && i > 0) {
      std::printf("then %s: starts from %s, writes %s\n", label.c_str(), stage.init_from.c_str(), stage.output.c_str());
      continue;
    }
    if (options.resume && run_finished(stage.output)) {
      if (dist::is_root())
        std::fprintf(stderr, "%s: finished before (%s/finished.yaml), skipped\n", label.c_str(), stage.output.c_str());
      continue;
    }
    if (dist::is_root()) std::fprintf(stderr, "%s: %s\n", label.c_str(), stage.output.c_str());
    TrainOptions stage_options = options;
    // --resume continues the stage from its last checkpoint; a stage killed
    // before its first checkpoint has nothing to continue and starts over.
    const bool has_checkpoint = path_exists(stage.output + "/checkpoints/last.h5");
    stage_options.resume = options.resume && has_checkpoint;
    stage_options.overwrite = options.overwrite || (options.resume && !has_checkpoint);
    results = train_recipe(stage, stage_options);
    // train_recipe returns on every rank only once rank 0 has written the
    // stage's model (a barrier): the next stage reads it as init_from.
  }
  return results;
}

}  // namespace tandem
