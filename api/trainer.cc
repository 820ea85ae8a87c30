#include "tandem/trainer.h"

#include "api/guard.h"
#include "core/allocator.h"
#include "train/stages.h"

namespace tandem::api {

std::map<std::string, double> train(const std::string& recipe_path, const TrainOptions& options) {
  require_file(recipe_path, "recipe");
  return guarded([&] {
    TANDEM_CHECK(!(options.resume && options.overwrite))
        << "resume and overwrite: choose one (continue the run, or replace it)";
    use_threads(options.threads);
    // Training reallocates the same large buffers every update: keep freed
    // memory in the process (2x faster updates; tandem train does the same).
    keep_freed_memory_for_reuse();
    RecipeOverrides overrides;
    overrides.set = options.overrides;
    if (!options.data_root.empty()) overrides.data_root = options.data_root;
    tandem::TrainOptions o;
    o.resume = options.resume;
    o.overwrite = options.overwrite;
    if (options.progress)
      o.on_update = [&](const tandem::TrainProgress& p) {
        return options.progress({p.update, p.epoch, p.loss, p.target_tokens, p.elapsed_seconds});
      };
    return train_recipe_file(recipe_path, overrides, o);
  });
}

}  // namespace tandem::api
