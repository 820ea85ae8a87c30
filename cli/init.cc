// cli/init.cc: `tandem init` writes a randomly initialized model file from a
// model config (a preset name or a YAML path). Used by benchmarks, tests and
// the set-up smoke run; training (`tandem train`) builds its own.
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/model_file.h"
#include "model/presets.h"

namespace tandem::cli {

int run_init(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("config,c", po::value<std::string>()->required(),
                        "model config: a preset name from configs/ or a YAML file")(
      "src-vocab", po::value<int>()->default_value(8000), "source vocabulary size")(
      "tgt-vocab", po::value<int>()->default_value(8000), "target vocabulary size")(
      "seed", po::value<uint64_t>()->default_value(1), "random seed for the weights")(
      "output,o", po::value<std::string>()->required(), "model file to write (HDF5)");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem init -c CONFIG -o MODEL.h5 [options]",
                          "Create a model file with random weights and no vocabulary.", options,
                          {}, vm))
    return 0;
  apply_common_options(vm);

  ModelConfig config = resolve_model_config(vm["config"].as<std::string>());
  config.src_vocab_size = vm["src-vocab"].as<int>();
  config.tgt_vocab_size = vm["tgt-vocab"].as<int>();
  config.validate(vm["config"].as<std::string>());
  Seq2Seq model(config);
  model.init(vm["seed"].as<uint64_t>());
  const std::string out = vm["output"].as<std::string>();
  save_model(out, model, ModelFileMeta{});
  std::cerr << "wrote " << out << ": " << model.parameter_count() << " parameters\n";
  return 0;
}

}  // namespace tandem::cli
