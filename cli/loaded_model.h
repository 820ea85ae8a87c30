// cli/loaded_model.h: a model file opened for decoding: weights, both
// tokenizers from /vocab, and the decode settings stored with it.
#pragma once

#include <memory>
#include <string>

#include "io/model_file.h"
#include "search/decode_config.h"
#include "tokenizer/tokenizer.h"

namespace tandem::cli {

struct LoadedModel {
  std::unique_ptr<Seq2Seq> model;
  std::unique_ptr<Tokenizer> source, target;
  DecodeConfig decode;
  ModelFileMeta meta;
};

// The target vocabulary's SentencePiece bytes (the source ones when joint).
const std::string& target_vocab_bytes(const ModelFileMeta& meta);

// Fails with one line naming the file when it lacks a vocabulary.
LoadedModel load_for_decoding(const std::string& path);

// Packs the weights for decoding in `requested` ("float32", "int8",
// "bfloat16"; "" = what the file stores). An unknown name or a type this CPU
// lacks is an error naming `option` (--compute-type, compute_type).
void prepare_compute_type(LoadedModel& model, const std::string& requested, const std::string& option);

// --tag: a multilingual model reads the target language from a tag before the
// source (its recipe's data tag). Fails, listing the model's tags, when the
// vocabulary lacks it.
void check_tag(const std::string& tag, const Tokenizer& source);

}  // namespace tandem::cli
