// cli/average.cc: `tandem average -o OUT.h5 A.h5 B.h5 ...` writes the
// elementwise mean of the parameters of model files or checkpoints that share
// one architecture and vocabulary (anything else is refused, naming the first
// difference); config and vocabulary come from the first file, optimizer
// state is dropped.
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/paths.h"
#include "io/hdf5.h"
#include "io/model_file.h"
#include "train/averaging.h"

namespace tandem::cli {

int run_average(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("output,o", po::value<std::string>()->required(), "averaged model file to write")(
      "inputs", po::value<std::vector<std::string>>()->required(), "model files or checkpoints");
  add_common_options(options);
  po::positional_options_description positional;
  positional.add("inputs", -1);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem average -o OUT.h5 MODEL.h5 MODEL.h5 ...",
                          "Average the parameters of model files with the same config.", options,
                          positional, vm))
    return 0;
  apply_common_options(vm);
  const auto inputs = vm["inputs"].as<std::vector<std::string>>();
  const std::string output = vm["output"].as<std::string>();
  for (const auto& path : inputs) check_not_same_file(path, output, "-o");
  ModelFileMeta meta;
  auto model = load_model(inputs[0], &meta);
  // Equal shapes do not make models averageable: another vocabulary, another
  // positional scheme or norm placement give a mean that means nothing.
  for (const auto& path : inputs) {
    const ModelFileMeta other = read_model_meta(H5File::open_read(path));
    TANDEM_CHECK(other.compute_type == ComputeType::Float32)
        << path << ": an exported int8 model cannot be averaged: average the float32 files, then "
        << "`tandem export --quantize int8`";
    const std::string difference =
        first_config_difference(model->config(), inputs[0], model_config_from_document(other.config_yaml, path), path,
                                /*architecture_only=*/true);
    TANDEM_CHECK(difference.empty()) << "cannot average: " << difference;
    TANDEM_CHECK(other.vocab_src == meta.vocab_src && other.vocab_tgt == meta.vocab_tgt &&
                 other.joint_vocab == meta.joint_vocab)
        << "cannot average: " << path << " has another vocabulary than " << inputs[0]
        << " (models trained with different vocabularies share no parameter meaning)";
  }
  average_into(inputs, *model);
  meta.has_training_state = false;
  save_model(output, *model, meta);
  std::cerr << "wrote " << output << ": mean of " << inputs.size() << " files\n";
  return 0;
}

}  // namespace tandem::cli
