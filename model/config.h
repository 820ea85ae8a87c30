// model/config.h: the typed model config (DESIGN.md §3), parsed once from YAML.
// Every field has its default here; parsing rejects unknown keys (with the
// nearest valid one), wrong types and out-of-range values, naming file and line.
#pragma once

#include <cstdint>
#include <string>

#include "layers/stack_config.h"

namespace YAML {
class Node;
}

namespace tandem {

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
  NormType norm_type = NormType::LayerNorm;
  bool embedding_norm = false;
  Positions positions = Positions::Sinusoidal;
  int max_positions = 1024;     // size of a sinusoidal/learned table
  int relative_buckets = 32;    // positions: relative (T5)
  int relative_max_distance = 128;
  float dropout = 0.1f;
  float attention_dropout = 0.f;
  TieEmbeddings tie_embeddings = TieEmbeddings::Decoder;
  int sliding_window = 0;
  int src_vocab_size = 0;  // filled from the tokenizer when training
  int tgt_vocab_size = 0;
  int pad_id = 0;

  // Longest sequence the positions allow: max_positions with an absolute
  // table, unlimited (INT_MAX) for rope, alibi and relative.
  int position_limit() const;
  int kv_head_count() const { return kv_heads == 0 ? heads : kv_heads; }
  // Decoding cache: keys+values of all decoder layers per token, float32. The
  // same per target token of a hypothesis (self-attention; a sliding window
  // caps the tokens kept) and per source token of a sentence (cross-attention).
  int64_t kv_cache_bytes_per_token() const;
  // An upper estimate of the float32 parameters (embeddings, every layer's
  // projections, norms and tables), computed in floating point so absurd
  // configs cannot overflow: checked against the machine's memory before
  // anything is allocated.
  double parameter_estimate() const;
  // A lower bound of the same: only the weight matrices every layer has and
  // one embedding table (all tied). A file must hold at least this many values
  // before a model is allocated from its config.
  double parameter_lower_bound() const;
  StackConfig encoder_stack() const;
  StackConfig decoder_stack() const;
  // Throws when fields do not fit together (e.g. d_model % heads != 0).
  void validate(const std::string& where) const;
  // The same without the vocabulary fields: what a recipe can check before
  // any vocabulary is trained.
  void validate_architecture(const std::string& where) const;
};

// `node` is a YAML mapping; `where` names the source for messages ("configs/x.yaml").
// Keys absent from the mapping keep the values already in `config`.
void parse_model_config(const YAML::Node& node, const std::string& where, ModelConfig& config);
ModelConfig load_model_config(const std::string& path);
std::string model_config_to_yaml(const ModelConfig& config);
// The first field in which two configs differ, as "model.d_model is 256 in
// A_NAME but 512 in B_NAME"; "" when they agree. architecture_only: dropout
// rates (training settings, not shape) are not compared.
std::string first_config_difference(const ModelConfig& a, const std::string& a_name, const ModelConfig& b,
                                    const std::string& b_name, bool architecture_only);

const char* to_string(Positions p);
const char* to_string(TieEmbeddings t);
const char* to_string(Activation a);
const char* to_string(NormPlacement n);
const char* to_string(NormType n);

}  // namespace tandem
