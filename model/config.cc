#include "model/config.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/memory_limit.h"
#include "core/yaml_fields.h"

namespace tandem {
namespace {

const std::vector<std::pair<std::string, Activation>> kActivations = {
    {"relu", Activation::Relu}, {"gelu", Activation::Gelu}};
const std::vector<std::pair<std::string, NormPlacement>> kNorms = {{"pre", NormPlacement::Pre},
                                                                   {"post", NormPlacement::Post}};
const std::vector<std::pair<std::string, Positions>> kPositions = {
    {"sinusoidal", Positions::Sinusoidal},
    {"learned", Positions::Learned},
    {"rope", Positions::Rope},
    {"alibi", Positions::Alibi},
    {"relative", Positions::Relative}};
const std::vector<std::pair<std::string, NormType>> kNormTypes = {
    {"layernorm", NormType::LayerNorm}, {"rmsnorm", NormType::RmsNorm}};
const std::vector<std::pair<std::string, TieEmbeddings>> kTies = {
    {"none", TieEmbeddings::None}, {"decoder", TieEmbeddings::Decoder}, {"all", TieEmbeddings::All}};

template <typename E>
const char* name_of(E v, const std::vector<std::pair<std::string, E>>& names) {
  for (const auto& n : names)
    if (n.second == v) return n.first.c_str();
  return "?";
}

StackConfig stack(const ModelConfig& c, int layers) {
  StackConfig s;
  s.d_model = c.d_model;
  s.heads = c.heads;
  s.kv_heads = c.kv_heads;
  s.ffn_dim = c.ffn_dim;
  s.activation = c.ffn_activation;
  s.layers = layers;
  s.norm = c.norm;
  s.norm_type = c.norm_type;
  s.embedding_norm = c.embedding_norm;
  s.positions = c.positions;
  s.max_positions = c.max_positions;
  s.relative_buckets = c.relative_buckets;
  s.relative_max_distance = c.relative_max_distance;
  s.sliding_window = c.sliding_window;
  s.dropout = c.dropout;
  s.attention_dropout = c.attention_dropout;
  return s;
}

}  // namespace

const char* to_string(Positions p) { return name_of(p, kPositions); }
const char* to_string(TieEmbeddings t) { return name_of(t, kTies); }
const char* to_string(Activation a) { return name_of(a, kActivations); }
const char* to_string(NormPlacement n) { return name_of(n, kNorms); }
const char* to_string(NormType n) { return name_of(n, kNormTypes); }

int ModelConfig::position_limit() const {
  const bool table = positions == Positions::Sinusoidal || positions == Positions::Learned;
  return table ? max_positions : INT_MAX;
}

int64_t ModelConfig::kv_cache_bytes_per_token() const {
  return int64_t{decoder_layers} * 2 * kv_head_count() * (d_model / heads) * sizeof(float);
}

double ModelConfig::parameter_estimate() const {
  const double d = d_model, f = ffn_dim, kv = d / heads * kv_head_count();
  const double attention = d * d * 2 + d * kv * 2 + 4 * d;  // q, o and k, v with biases
  const double ffn = 2 * d * f + f + d;
  const double norms = 6 * d;
  const double tables = (positions == Positions::Learned ? 2.0 * max_positions * d : 0.0) +
                        (positions == Positions::Relative ? 2.0 * relative_buckets * heads : 0.0);
  const double embeddings = (static_cast<double>(src_vocab_size) + 2.0 * tgt_vocab_size) * d;
  return encoder_layers * (attention + ffn + norms) +
         decoder_layers * (2 * attention + ffn + norms) + tables + embeddings;
}

double ModelConfig::parameter_lower_bound() const {
  const double d = d_model, f = ffn_dim, kv = d / heads * kv_head_count();
  const double attention = d * d * 2 + d * kv * 2;
  const double ffn = 2 * d * f;
  const double embeddings = static_cast<double>(std::max(src_vocab_size, tgt_vocab_size)) * d;
  return encoder_layers * (attention + ffn) + decoder_layers * (2 * attention + ffn) + embeddings;
}

StackConfig ModelConfig::encoder_stack() const { return stack(*this, encoder_layers); }
StackConfig ModelConfig::decoder_stack() const { return stack(*this, decoder_layers); }

void ModelConfig::validate(const std::string& where) const {
  validate_architecture(where);
  TANDEM_CHECK(src_vocab_size > 0 && tgt_vocab_size > 0)
      << where << ": model vocabulary sizes must be set (src_vocab_size " << src_vocab_size
      << ", tgt_vocab_size " << tgt_vocab_size << ")";
  TANDEM_CHECK(tie_embeddings != TieEmbeddings::All || src_vocab_size == tgt_vocab_size)
      << where << ": model.tie_embeddings all needs one joint vocabulary, got src "
      << src_vocab_size << " and tgt " << tgt_vocab_size;
  TANDEM_CHECK(pad_id >= 0 && pad_id < std::min(src_vocab_size, tgt_vocab_size))
      << where << ": model.pad_id " << pad_id << " is outside the vocabulary";
  check_fits_in_memory(parameter_estimate() * sizeof(float), "its parameters", where);
}

void ModelConfig::validate_architecture(const std::string& where) const {
  TANDEM_CHECK(d_model % heads == 0)
      << where << ": model.d_model " << d_model << " is not divisible by model.heads " << heads;
  TANDEM_CHECK((d_model / heads) % 2 == 0 || positions != Positions::Rope)
      << where << ": model.positions rope needs an even head dimension";
  TANDEM_CHECK(kv_heads == 0 || heads % kv_heads == 0)
      << where << ": model.kv_heads " << kv_heads << " does not divide model.heads " << heads
      << " (grouped-query attention shares each key/value head among heads/kv_heads heads)";
  TANDEM_CHECK(max_positions >= 2)
      << where << ": model.max_positions " << max_positions
      << " leaves no room for a token and its end-of-sentence mark (at least 2)";
  TANDEM_CHECK(positions != Positions::Relative || relative_max_distance > relative_buckets / 2)
      << where << ": model.relative_max_distance " << relative_max_distance
      << " must exceed half of model.relative_buckets " << relative_buckets;
}

void parse_model_config(const YAML::Node& node, const std::string& where, ModelConfig& c) {
  YamlFields f(node, where, "model");
  f.get("d_model", c.d_model, 2, 1 << 16);
  f.get("heads", c.heads, 1, 1024);
  f.get("kv_heads", c.kv_heads, 0, 1024);
  f.get("ffn_dim", c.ffn_dim, 1, 1 << 20);
  f.get_enum("ffn_activation", c.ffn_activation, kActivations);
  f.get("encoder_layers", c.encoder_layers, 0, 256);
  f.get("decoder_layers", c.decoder_layers, 1, 256);
  f.get_enum("norm", c.norm, kNorms);
  f.get_enum("norm_type", c.norm_type, kNormTypes);
  f.get("embedding_norm", c.embedding_norm);
  f.get_enum("positions", c.positions, kPositions);
  f.get("max_positions", c.max_positions, 2, 1 << 20);
  f.get("relative_buckets", c.relative_buckets, 2, 1 << 16);
  f.get("relative_max_distance", c.relative_max_distance, 2, 1 << 24);
  f.get("dropout", c.dropout, 0.f, 0.99f);
  f.get("attention_dropout", c.attention_dropout, 0.f, 0.99f);
  f.get_enum("tie_embeddings", c.tie_embeddings, kTies);
  f.get("sliding_window", c.sliding_window, 0, 1 << 20);
  f.get("src_vocab_size", c.src_vocab_size, 0, 1 << 24);
  f.get("tgt_vocab_size", c.tgt_vocab_size, 0, 1 << 24);
  f.get("pad_id", c.pad_id, 0, 1 << 24);
  f.finish();
}

ModelConfig load_model_config(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    TANDEM_FAIL() << path << ": cannot open model config";
  } catch (const YAML::Exception& e) {
    TANDEM_FAIL() << path << ":" << e.mark.line + 1 << ": " << e.msg;
  }
  ModelConfig c;
  parse_model_config(root, path, c);
  return c;
}

std::string model_config_to_yaml(const ModelConfig& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "d_model" << YAML::Value << c.d_model;
  out << YAML::Key << "heads" << YAML::Value << c.heads;
  out << YAML::Key << "kv_heads" << YAML::Value << c.kv_head_count();
  out << YAML::Key << "ffn_dim" << YAML::Value << c.ffn_dim;
  out << YAML::Key << "ffn_activation" << YAML::Value << to_string(c.ffn_activation);
  out << YAML::Key << "encoder_layers" << YAML::Value << c.encoder_layers;
  out << YAML::Key << "decoder_layers" << YAML::Value << c.decoder_layers;
  out << YAML::Key << "norm" << YAML::Value << to_string(c.norm);
  out << YAML::Key << "norm_type" << YAML::Value << to_string(c.norm_type);
  out << YAML::Key << "embedding_norm" << YAML::Value << c.embedding_norm;
  out << YAML::Key << "positions" << YAML::Value << to_string(c.positions);
  out << YAML::Key << "max_positions" << YAML::Value << c.max_positions;
  out << YAML::Key << "relative_buckets" << YAML::Value << c.relative_buckets;
  out << YAML::Key << "relative_max_distance" << YAML::Value << c.relative_max_distance;
  out << YAML::Key << "dropout" << YAML::Value << c.dropout;
  out << YAML::Key << "attention_dropout" << YAML::Value << c.attention_dropout;
  out << YAML::Key << "tie_embeddings" << YAML::Value << to_string(c.tie_embeddings);
  out << YAML::Key << "sliding_window" << YAML::Value << c.sliding_window;
  out << YAML::Key << "src_vocab_size" << YAML::Value << c.src_vocab_size;
  out << YAML::Key << "tgt_vocab_size" << YAML::Value << c.tgt_vocab_size;
  out << YAML::Key << "pad_id" << YAML::Value << c.pad_id;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string first_config_difference(const ModelConfig& a, const std::string& a_name, const ModelConfig& b,
                                    const std::string& b_name, bool architecture_only) {
  // Both YAML documents list the same keys in the same order, one per line.
  std::istringstream a_yaml(model_config_to_yaml(a)), b_yaml(model_config_to_yaml(b));
  for (std::string in_a, in_b; std::getline(a_yaml, in_a) && std::getline(b_yaml, in_b);) {
    const std::string key = in_a.substr(0, in_a.find(':'));
    if (architecture_only && (key == "dropout" || key == "attention_dropout")) continue;
    if (in_a != in_b)
      return "model." + key + " is" + in_a.substr(in_a.find(':') + 1) + " in " + a_name + " but" +
             in_b.substr(in_b.find(':') + 1) + " in " + b_name;
  }
  return "";
}

}  // namespace tandem
