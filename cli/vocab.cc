// cli/vocab.cc: `tandem vocab -i FILE [-i FILE...] -o spm.model` trains a
// SentencePiece model (pad 0, bos 1, eos 2, unk 3) on raw text.
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output_file.h"
#include "core/error.h"
#include "io/text_input.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_trainer.h"

namespace tandem::cli {

int run_vocab(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("input,i", po::value<std::vector<std::string>>()->required(),
                        "training text (repeat for several files, e.g. both sides of a joint vocabulary)")(
      "output,o", po::value<std::string>()->required(), "SentencePiece model file to write")(
      "size", po::value<int>()->default_value(8000), "vocabulary size (an upper bound on small text)")(
      "type", po::value<std::string>()->default_value("unigram"), "unigram or bpe")(
      "character-coverage", po::value<float>()->default_value(1.0f), "share of characters covered");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem vocab -i TEXT [-i TEXT...] -o VOCAB.model [options]",
                          "Train a SentencePiece vocabulary (pad 0, bos 1, eos 2, unk 3).", options,
                          {}, vm))
    return 0;
  apply_common_options(vm);
  std::vector<std::string> lines;
  for (const auto& path : vm["input"].as<std::vector<std::string>>()) {
    auto part = read_lines(path);
    lines.insert(lines.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  VocabOptions o;
  o.size = vm["size"].as<int>();
  o.type = vm["type"].as<std::string>();
  o.character_coverage = vm["character-coverage"].as<float>();
  const std::string model = train_vocab(lines, o);
  write_output(vm["output"].as<std::string>(), [&](std::ostream& out) { out << model; });
  std::cerr << "wrote " << vm["output"].as<std::string>() << ": "
            << Tokenizer(model, "vocab").vocab_size() << " pieces from " << lines.size()
            << " lines\n";
  return 0;
}

}  // namespace tandem::cli
