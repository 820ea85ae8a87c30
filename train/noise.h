// train/noise.h: the noising functions of denoising pretraining (recipe
// `task: denoise`), on token ids:
//   BART text infilling   spans of Poisson(lambda) lengths, each replaced by
//                         one mask token, until `ratio` of the tokens are
//                         covered; the target is the whole original text;
//   BART sentence permutation   sentences (ended by given tokens) shuffled;
//   T5 span corruption    `ratio` of the tokens in spans of mean length
//                         `mean_span`; the source holds sentinel i in place
//                         of span i, the target is sentinel 0, span 0,
//                         sentinel 1, span 1, ...
// All draws come from one counter-based stream (core/rng.h), so the noise of a
// document is a pure function of the stream: seed it from (run seed, epoch,
// document) and a resumed run draws the same noise.
#pragma once

#include <vector>

#include "core/rng.h"
#include "core/tensor.h"

namespace tandem {

struct NoisedPair {
  Ids source, target;
};

// Poisson(lambda) by its inverse CDF at u in [0, 1); capped at 1000.
int poisson_from_uniform(double lambda, double u);

NoisedPair text_infilling(const Ids& tokens, int mask, double ratio, double lambda,
                          const Rng::Stream& draws);

// Sentences end after any token of `sentence_ends` (a trailing part without
// one is a sentence too); their order is shuffled, tokens within kept.
Ids permute_sentences(const Ids& tokens, const std::vector<int>& sentence_ends,
                      const Rng::Stream& draws);

// Each span takes the next sentinel, so there are at most sentinels.size()
// spans. A text of fewer than 2 tokens is left whole with an empty target:
// corrupting it would leave no context.
NoisedPair span_corruption(const Ids& tokens, const std::vector<int>& sentinels, double ratio,
                           double mean_span, const Rng::Stream& draws);

}  // namespace tandem
