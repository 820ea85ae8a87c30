// metrics/corpus_scores.h: the metrics named on `tandem score --metrics`
// (bleu, chrf, chrf++, ter, rouge), computed in that order.
#pragma once

#include <string>
#include <vector>

#include "metrics/references.h"
#include "metrics/score.h"

namespace tandem {

// An unknown name is an error listing the known ones; rouge gives ROUGE-1/2/L
// (and, with several references, each reference alone).
std::vector<MetricScore> corpus_scores(const std::vector<std::string>& hyps, const References& refs,
                                       const std::vector<std::string>& metrics, bool lowercase);

}  // namespace tandem
