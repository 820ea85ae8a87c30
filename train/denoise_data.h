// train/denoise_data.h: the training pairs of `task: denoise`: every line of
// the text files (read in order as one corpus) is a document, tokenized and noised (train/noise.h) into a
// (noised source, original target) pair, `copies` times, from the run's seed.
#pragma once

#include <string>
#include <vector>

#include "train/dataset.h"
#include "train/recipe.h"

namespace tandem {

struct DenoisingText {
  ParallelData pairs;
  // As text (the noised side decoded, reserved pieces written out): what
  // validation feeds the translator and scores against.
  std::vector<std::string> noised, original;
};

// Fails naming `where` when the vocabulary lacks a reserved piece. Without
// `as_text` only the pairs are kept (training needs no text back).
DenoisingText load_denoising(const std::vector<std::string>& paths, const Tokenizer& tok, const DenoiseRecipe& d,
                             uint64_t seed, int copies, int max_len, const std::string& where,
                             bool as_text = true);

}  // namespace tandem
