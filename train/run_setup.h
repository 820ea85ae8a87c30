// train/run_setup.h: what a run needs before its first update: the
// vocabularies (trained, reused, or taken from the checkpoint being resumed)
// and the /config document that records the recipe with its provenance.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "io/model_file.h"
#include "tokenizer/tokenizer.h"
#include "train/recipe.h"

namespace tandem {

struct Vocabularies {
  std::unique_ptr<Tokenizer> source, target;
  bool joint = true;
};

// Trains (joint or per side) or loads the recipe's SentencePiece model(s) and
// writes them to RUN/vocab.model (or vocab.src.model / vocab.tgt.model);
// run_dir "" (a dry run) writes nothing.
Vocabularies prepare_vocabularies(const Recipe& recipe, const std::string& run_dir,
                                  const std::function<void(const std::string&)>& log);
Vocabularies vocabularies_from_meta(const ModelFileMeta& meta, const std::string& where);

// sha256 of every data file the recipe names.
std::map<std::string, std::string> data_checksums(const Recipe& recipe);

// The /config document of a trained model: model, decode, recipe, provenance,
// and (when given) results.
std::string run_config_document(const Recipe& recipe, const ModelConfig& model,
                                const std::map<std::string, std::string>& checksums,
                                const std::map<std::string, double>& results);

ModelFileMeta run_meta(const Recipe& recipe, const ModelConfig& model, const Vocabularies& vocab,
                       const std::map<std::string, std::string>& checksums,
                       const std::map<std::string, double>& results = {});

}  // namespace tandem
