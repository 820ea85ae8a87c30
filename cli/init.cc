// cli/init.cc: `tandem init` writes a randomly initialized model file from a
// model config (a preset name or a YAML path). Used by benchmarks, tests and
// the set-up smoke run; training (`tandem train`) builds its own.
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/model_file.h"
#include "model/presets.h"
#include "tokenizer/tokenizer.h"

namespace tandem::cli {

int run_init(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("config,c", po::value<std::string>()->required(),
                        "model config: a preset name from configs/ or a YAML file")(
      "src-vocab", po::value<int>()->default_value(8000), "source vocabulary size")(
      "tgt-vocab", po::value<int>()->default_value(8000), "target vocabulary size")(
      "seed", po::value<uint64_t>()->default_value(1), "random seed for the weights")(
      "vocab", po::value<std::string>(),
      "SentencePiece model (from `tandem vocab`) stored as the joint vocabulary; sets both sizes")(
      "output,o", po::value<std::string>()->required(), "model file to write (HDF5)");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem init -c CONFIG -o MODEL.h5 [options]",
                          "Create a model file with random weights (and a vocabulary, with --vocab).", options,
                          {}, vm))
    return 0;
  apply_common_options(vm);

  ModelConfig config = resolve_model_config(vm["config"].as<std::string>());
  config.src_vocab_size = vm["src-vocab"].as<int>();
  config.tgt_vocab_size = vm["tgt-vocab"].as<int>();
  ModelFileMeta meta;
  if (vm.count("vocab")) {
    const std::string path = vm["vocab"].as<std::string>();
    std::ifstream in(path, std::ios::binary);
    TANDEM_CHECK(in) << path << ": cannot open";
    meta.vocab_src.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    meta.joint_vocab = true;
    const Tokenizer tok(meta.vocab_src, path);
    TANDEM_CHECK(tok.pad_id() == config.pad_id)
        << path << ": pad id " << tok.pad_id() << ", the model expects " << config.pad_id;
    config.src_vocab_size = config.tgt_vocab_size = tok.vocab_size();
  }
  config.validate(vm["config"].as<std::string>());
  Seq2Seq model(config);
  model.init(vm["seed"].as<uint64_t>());
  const std::string out = vm["output"].as<std::string>();
  save_model(out, model, meta);
  std::cerr << "wrote " << out << ": " << model.parameter_count() << " parameters\n";
  return 0;
}

}  // namespace tandem::cli
