// search/pair_score_format.h: one scored pair as a line of text, the same for
// `tandem score-pairs`, the server's /v1/score and the Python module.
#pragma once

#include <string>

#include "search/pair_scorer.h"

namespace tandem {

struct PairScoreFormat {
  bool per_token = false;  // append " ||| " and the per-token log-probabilities
  bool normalize = false;  // the length-normalized score instead of the sum
};

// "-12.345678" or "-12.345678 ||| -0.123456 -2.000000 ...".
std::string format_pair_score(const PairScore& score, const PairScoreFormat& format);

}  // namespace tandem
