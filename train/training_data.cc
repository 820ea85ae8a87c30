#include "train/training_data.h"

#include "core/error.h"
#include "io/text_input.h"
#include "train/denoise_data.h"

namespace tandem {
namespace {

ParallelData load_training_pairs(const Recipe& r, const Vocabularies& vocab) {
  const TrainRecipe& t = r.training;
  if (r.task == Task::Denoise) {
    TANDEM_CHECK(vocab.joint) << r.path << ": task denoise needs one joint vocabulary (vocab.joint: true)";
    return load_denoising(source_files(r.train), *vocab.source, r.denoise, t.seed, r.denoise.copies, t.max_len,
                          r.path, /*as_text=*/false)
        .pairs;
  }
  for (const auto& tag : split_tags(r.train))
    TANDEM_CHECK(vocab.source->piece_id(tag) >= 0)
        << r.path << ": data: the vocabulary has no piece " << tag
        << " (a trained vocabulary reserves every tag; a vocab.model or init_from model must have it as a "
           "user-defined symbol)";
  return load_parallel(r.train, *vocab.source, *vocab.target, t.max_len);
}

ValidationSet load_validation(const Recipe& r, const Vocabularies& vocab, int position_limit) {
  const int keep = r.training.valid_sentences;
  ValidationSet v;
  if (r.task == Task::Denoise) {
    // Validation restores noised validation text (noised once, from the seed).
    DenoisingText text = load_denoising(source_files(r.valid), *vocab.source, r.denoise, r.training.seed + 1, 1,
                                        position_limit, r.path);
    v.pairs = std::move(text.pairs);
    v.sources = std::move(text.noised);
    v.references = std::move(text.original);
    if (keep > 0 && static_cast<size_t>(keep) < v.sources.size()) {
      v.sources.resize(keep);
      v.references.resize(keep);
    }
    return v;
  }
  v.pairs = load_parallel(r.valid, *vocab.source, *vocab.target, position_limit);
  // Scored on the first valid_sentences lines of each pair (each language of a multilingual model).
  for (const auto& part : r.valid) {
    auto src = read_source_lines(part);
    auto ref = read_lines(part.tgt);
    if (keep > 0 && static_cast<size_t>(keep) < src.size()) src.resize(keep);
    ref.resize(src.size());  // load_parallel checked that both files have as many lines
    v.sources.insert(v.sources.end(), src.begin(), src.end());
    v.references.insert(v.references.end(), ref.begin(), ref.end());
  }
  return v;
}

}  // namespace

TestPair load_test_pair(const Recipe& r, const DataFiles& part, const Tokenizer& vocab, int position_limit) {
  TestPair test;
  if (r.task == Task::Denoise) {
    DenoisingText text = load_denoising({part.src}, vocab, r.denoise, r.training.seed + 2, 1, position_limit, r.path);
    test.sources = std::move(text.noised);
    test.references = std::move(text.original);
  } else {
    test.sources = read_source_lines(part);
    test.references = read_lines(part.tgt);
  }
  TANDEM_CHECK(test.sources.size() == test.references.size())
      << "test files differ in length: " << part.src << " has " << test.sources.size() << " lines, " << part.tgt
      << " has " << test.references.size();
  return test;
}

TrainingData::TrainingData(const Recipe& recipe, const Vocabularies& vocab, int position_limit) : recipe_(recipe) {
  train_ = load_training_pairs(recipe, vocab);
  TANDEM_CHECK(!train_.src.empty()) << recipe.path << ": data.train: no usable training pairs in "
                                    << source_files(recipe.train).front()
                                    << (recipe.train.size() > 1 ? " and the other files" : "");
  valid_ = load_validation(recipe, vocab, position_limit);
  batches_ = make_train_batches(train_, recipe.training.batch_tokens, recipe.training.seed);
}

std::string TrainingData::summary() const {
  return "train: " + std::to_string(train_.src.size()) + " pairs, " + std::to_string(train_.src_tokens) +
         " source + " + std::to_string(train_.tgt_tokens) + " target tokens; skipped " +
         std::to_string(train_.skipped_empty) + " with an empty side and " + std::to_string(train_.skipped_long) +
         " over max_len " + std::to_string(recipe_.training.max_len);
}

bool TrainingData::next_group(TrainState& state, int batches_per_update, UpdateGroup& g, std::string* stop_reason) {
  // Up to batches_per_update batches of this epoch: the same group on every
  // rank (one global order); each rank takes every size()-th batch of it.
  g.batches.clear();
  const int max_epochs = recipe_.training.max_epochs;
  while (static_cast<int>(g.batches.size()) < batches_per_update) {
    if (state.batch_in_epoch >= static_cast<long long>(batches_.size())) {
      if (!g.batches.empty()) break;
      ++state.epoch;
      state.batch_in_epoch = 0;
      if (max_epochs > 0 && state.epoch >= max_epochs) {
        *stop_reason = "reached max_epochs " + std::to_string(max_epochs);
        return false;
      }
    }
    if (order_epoch_ != state.epoch) {
      order_ = epoch_order(batches_.size(), recipe_.training.seed, state.epoch);
      order_epoch_ = state.epoch;
    }
    g.batches.push_back(&batches_[order_[state.batch_in_epoch++]]);
  }
  g.tokens = 0;
  for (const auto* b : g.batches)
    for (int i : *b) g.tokens += static_cast<long long>(train_.tgt[i].size()) + 1;
  return true;
}

}  // namespace tandem
