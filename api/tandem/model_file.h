// tandem/model_file.h: what a model file holds, read for inspection (the
// library face of `tandem info`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::api {

struct Tensor {
  std::string name;            // e.g. "decoder/layers/0/self_attn/q_proj/weight"
  std::vector<int64_t> shape;  // [rows, cols], or [n] for vectors
  std::vector<float> values;   // row-major
};

struct ModelFile {
  std::string config_yaml;      // the /config document (model, decode, recipe)
  std::string source_vocab;     // SentencePiece model bytes ("" when absent)
  std::string target_vocab;     // the same bytes as source_vocab for a joint vocabulary
  bool joint_vocab = false;
  std::string compute_type;     // of the stored weights: "float32" or "int8"
  std::string created, tandem_version;
  std::vector<Tensor> parameters;  // dequantized for int8 files
};

ModelFile load_model_file(const std::string& path);

}  // namespace tandem::api
