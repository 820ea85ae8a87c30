// model/config.h: the typed model config (DESIGN.md §3), parsed once from YAML.
// Every field has its default here; parsing rejects unknown keys (with the
// nearest valid one), wrong types and out-of-range values, naming file and line.
#pragma once

#include <string>

#include "layers/stack_config.h"

namespace YAML {
class Node;
}

namespace tandem {

enum class Positions { Sinusoidal, Learned, Rope, Alibi };
enum class TieEmbeddings { None, Decoder, All };

struct ModelConfig {
  int d_model = 512;
  int heads = 8;
  int kv_heads = 0;  // 0 = same as heads
  int ffn_dim = 2048;
  Activation ffn_activation = Activation::Relu;
  int encoder_layers = 6;
  int decoder_layers = 6;
  NormPlacement norm = NormPlacement::Pre;
  Positions positions = Positions::Sinusoidal;
  int max_positions = 1024;
  float dropout = 0.1f;
  float attention_dropout = 0.f;
  TieEmbeddings tie_embeddings = TieEmbeddings::Decoder;
  int sliding_window = 0;
  int src_vocab_size = 0;  // filled from the tokenizer when training
  int tgt_vocab_size = 0;
  int pad_id = 0;

  StackConfig encoder_stack() const;
  StackConfig decoder_stack() const;
  // Throws when fields do not fit together (e.g. d_model % heads != 0).
  void validate(const std::string& where) const;
};

// `node` is a YAML mapping; `where` names the source for messages ("configs/x.yaml").
// Keys absent from the mapping keep the values already in `config`.
void parse_model_config(const YAML::Node& node, const std::string& where, ModelConfig& config);
ModelConfig load_model_config(const std::string& path);
std::string model_config_to_yaml(const ModelConfig& config);

const char* to_string(Positions p);
const char* to_string(TieEmbeddings t);
const char* to_string(Activation a);
const char* to_string(NormPlacement n);

}  // namespace tandem
