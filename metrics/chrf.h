// metrics/chrf.h: chrF (word_order 0) and chrF++ (word_order 2) as sacreBLEU
// 2.x computes them by default: character n-grams 1..6 with whitespace
// removed, word n-grams after splitting punctuation off word edges, beta 2,
// statistics summed over the corpus, effective-order averaging (eps off).
#pragma once

#include <string>
#include <vector>

#include "metrics/references.h"
#include "metrics/score.h"

namespace tandem {

MetricScore corpus_chrf(const std::vector<std::string>& hyps, const std::vector<std::string>& refs,
                        int word_order = 0);
// Several references: per line, the reference with the best sentence chrF.
MetricScore corpus_chrf(const std::vector<std::string>& hyps, const References& refs, int word_order = 0);

}  // namespace tandem
