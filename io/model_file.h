// io/model_file.h: the self-contained HDF5 model file (DESIGN.md §5).
//   /            attrs format="tandem", format_version, created, tandem_version
//   /config      YAML text; its `model:` mapping is the ModelConfig
//   /vocab/src   SentencePiece model bytes; /vocab/tgt (soft link when joint)
//   /params/...  float32, PyTorch-style names; tied names are soft links.
//                An exported int8 file (root attr compute_type="int8") stores
//                projection weights as int8 [out, in] plus <name>_scale float32 [out].
#pragma once

#include <memory>
#include <string>

#include "kernels/compute_type.h"
#include "model/seq2seq.h"

namespace tandem {

class H5File;

constexpr const char* kFormatVersion = "1";

struct ModelFileMeta {
  std::string config_yaml;  // the whole /config document
  std::string vocab_src;    // SentencePiece bytes, may be empty
  std::string vocab_tgt;    // empty with joint_vocab
  bool joint_vocab = false;
  std::string created;          // read back from the file
  std::string tandem_version;   // read back from the file
  bool has_training_state = false;
  ComputeType compute_type = ComputeType::Float32;  // of the stored weights
};

// The /config document for a model with no recipe: "model: {...}".
std::string config_document(const ModelConfig& config);
// Parses the `model:` mapping of a /config document.
ModelConfig model_config_from_document(const std::string& yaml, const std::string& where);

// Weights the model holds packed as int8 (Seq2Seq::set_compute_type) are
// written as int8 with their scales, and the file is marked compute_type=int8.
void save_model(const std::string& path, const Seq2Seq& model, const ModelFileMeta& meta);
// Writes the model part into an open file (checkpoints add /train on top).
void write_model(const H5File& file, const Seq2Seq& model, const ModelFileMeta& meta);

ModelFileMeta read_model_meta(const H5File& file);
// Loads every parameter, checking names and shapes; the first mismatch is an
// error naming the file, the dataset, and the shapes.
void load_params(const H5File& file, Seq2Seq& model);
std::unique_ptr<Seq2Seq> load_model(const std::string& path, ModelFileMeta* meta = nullptr);

}  // namespace tandem
