// Harness: the recipe parser, YAML text -> Recipe or a clear error. The data
// files a recipe names exist (empty) in a temporary data root, so parsing gets
// past the file checks to the model and training fields.
#include <cstdint>
#include <cstdlib>

#include "fuzz_harness.h"
#include "train/recipe.h"

const char* fuzz_harness_name() { return "recipe"; }

const std::vector<std::string>& fuzz_dictionary() {
  static const std::vector<std::string> d = {
      "name: x\n", "data:\n", "  train: {src: train.src, tgt: train.tgt}\n", "model:", "train:", "decode:",
      "vocab:", "d_model: ", "heads: ", "max_positions: ", "batch_tokens: ", "max_time: ", "lr: ",
      "schedule: {name: inverse_sqrt, warmup: ", "beam: ", "{a: 1}: ", "? [1, 2]\n: 3\n", "&a ", "*a",
      "!!binary ", "<<: ", "'", "\"", "~", "1h30m", "-5m", "transformer-small", "${TANDEM_DATA}"};
  return d;
}

namespace {

std::string data_root() {
  static const std::string root = [] {
    const std::string dir = fuzz_temp_path("-data");
    std::system(("mkdir -p " + dir).c_str());
    for (const char* f : {"train.src", "train.tgt", "valid.src", "valid.tgt", "test.src", "test.tgt"})
      write_file(dir + "/" + f, "a b\n");
    return dir;
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz_temp_path(".yaml");
  write_file(path, std::string(reinterpret_cast<const char*>(data), size));
  tandem::RecipeOverrides overrides;
  overrides.data_root = data_root();
  tandem::load_recipe(path, overrides);
  return 0;
}
