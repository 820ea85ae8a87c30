// search/decode_config.h: the `decode:` mapping of a recipe (DESIGN.md §4),
// stored in the model file so that a trained model decodes with its recipe's
// settings unless the command line says otherwise.
#pragma once

#include <string>

#include "search/search_options.h"

namespace YAML {
class Node;
}

namespace tandem {

struct DecodeConfig {
  SearchOptions search;
  int batch_tokens = 4096;
  int batch_sentences = 0;  // at most this many sentences per batch; 0 = only the token budget
};

void parse_decode_config(const YAML::Node& node, const std::string& where, DecodeConfig& config);
// The `decode:` mapping of a /config document, or the built-in defaults.
DecodeConfig decode_config_from_document(const std::string& yaml, const std::string& where);
std::string decode_config_to_yaml(const DecodeConfig& config);  // a flow mapping
// Throws, naming the setting (prefix + name: "--beam" on the command line,
// "beam" in the library), unless every value is in range: beam 1..kMaxBeam,
// nbest 1..beam, max_len_a finite >= 0, positive batch tokens, ...
void check_decode_config(const DecodeConfig& config, const std::string& prefix);

}  // namespace tandem
