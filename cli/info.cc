// cli/info.cc: `tandem info MODEL.h5` prints what a model file holds: format,
// config, vocabularies, parameter counts per block, training state.
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/memory_limit.h"
#include "io/hdf5.h"
#include "io/model_file.h"
#include "model/languages.h"
#include "tokenizer/tokenizer.h"
#include "train/checkpoint.h"

namespace tandem::cli {
namespace {

// "encoder/layers/3/fc1/weight" -> "encoder/layers/3"; "encoder/embed_tokens/weight" -> "encoder/embed_tokens"
std::string block_of(const std::string& name) {
  const size_t a = name.find('/');
  if (a == std::string::npos) return name;
  const size_t b = name.find('/', a + 1);
  if (b == std::string::npos) return name;
  if (name.compare(a + 1, b - a - 1, "layers") == 0) return name.substr(0, name.find('/', b + 1));
  return name.substr(0, b);
}

std::string vocab_line(const std::string& bytes, const std::string& where, int config_size) {
  if (bytes.empty()) return "none stored (model size " + std::to_string(config_size) + ")";
  Tokenizer tok(bytes, where);
  std::string tags;
  for (const auto& t : tok.language_tags()) tags += " " + t;
  return "SentencePiece, " + std::to_string(tok.vocab_size()) + " pieces" +
         (tags.empty() ? "" : "; language tags (translate --tag):" + tags);
}

std::string training_state_line(const std::string& path, bool present) {
  if (!present) return "none (a model file: no optimizer state)";
  const H5File f = H5File::open_read(path);
  const TrainState s = state_from_yaml(f.read_string("/train/state"), path + ": /train/state");
  std::string line = "checkpoint at update " + std::to_string(s.update) + ", epoch " +
                     std::to_string(s.epoch + 1) + ", " + std::to_string(s.tgt_tokens) +
                     " target tokens, " + std::to_string(static_cast<long long>(s.elapsed)) + " s of training";
  if (!s.history.empty()) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; last validation BLEU %.2f, chrF %.2f", s.history.back().bleu,
                  s.history.back().chrf);
    line += buf;
  }
  return line;
}

// "en -> de" or "en -> de (>>de<<), fr (>>fr<<)"; "not recorded" for models
// whose recipe had no languages: (tandem serve --lang names them).
std::string languages_line(const ModelLanguages& l) {
  if (l.empty()) return "not recorded (recipe key languages:)";
  std::string line = l.source + " -> ";
  for (size_t i = 0; i < l.targets.size(); ++i)
    line += (i ? ", " : "") + l.targets[i].first + (l.targets[i].second.empty() ? "" : " (" + l.targets[i].second + ")");
  return line;
}

}  // namespace

int run_info(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("model,m", po::value<std::string>()->required(), "model file (HDF5)");
  add_common_options(options);
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem info MODEL.h5",
                          "Show what a tandem model file holds: format, config, vocabularies,\n"
                          "parameter counts per block and training state.",
                          options, positional, vm))
    return 0;
  apply_common_options(vm);
  const std::string path = vm["model"].as<std::string>();

  ModelFileMeta meta;
  const auto model = load_model(path, &meta);
  const ModelConfig& c = model->config();

  std::cout << "file:            " << path << "\n"
            << "format:          tandem (tandem " << meta.tandem_version << ", created "
            << meta.created << ")\n"
            << "source vocab:    " << vocab_line(meta.vocab_src, path + ": /vocab/src", c.src_vocab_size) << "\n"
            << "target vocab:    "
            << (meta.joint_vocab ? "joint with source"
                                 : vocab_line(meta.vocab_tgt, path + ": /vocab/tgt", c.tgt_vocab_size))
            << "\n"
            << "languages:       " << languages_line(languages_from_config(meta.config_yaml, path + ": /config")) << "\n"
            << "training state:  " << training_state_line(path, meta.has_training_state) << "\n"
            << "weights:         " << compute_type_name(meta.compute_type)
            << (meta.compute_type == ComputeType::Int8
                    ? " (projections and the output layer as int8 with a scale per output channel)"
                    : "")
            << "; file " << format_bytes(static_cast<double>(std::filesystem::file_size(path)))
            << "\n\nconfig:\n";
  std::cout << meta.config_yaml;
  if (!meta.config_yaml.empty() && meta.config_yaml.back() != '\n') std::cout << "\n";

  std::map<std::string, int64_t> blocks;
  std::vector<std::string> order;
  for (const auto& p : model->params()) {
    const std::string b = block_of(p.name);
    if (!blocks.count(b)) order.push_back(b);
    blocks[b] += p.param->value.size();
  }
  std::cout << "\nparameters:\n";
  for (const auto& b : order)
    std::cout << "  " << std::left << std::setw(32) << b << std::right << std::setw(12)
              << blocks[b] << "\n";
  for (const auto& [alias, canonical] : model->aliases())
    std::cout << "  " << alias << " -> " << canonical << " (tied)\n";
  std::cout << "  " << std::left << std::setw(32) << "total" << std::right << std::setw(12)
            << model->parameter_count() << "\n";

  std::cout << "\ndecoding cache (float32, per hypothesis):\n"
            << "  self-attention:  " << c.kv_cache_bytes_per_token() << " bytes per target token ("
            << c.decoder_layers << " layers x keys+values x " << c.kv_head_count() << " kv heads x "
            << c.d_model / c.heads << " dims)";
  if (c.sliding_window > 0) std::cout << ", at most " << c.sliding_window << " tokens kept";
  std::cout << "\n  cross-attention: " << c.kv_cache_bytes_per_token()
            << " bytes per source token (per sentence, shared by its beams)\n";
  return 0;
}

}  // namespace tandem::cli
