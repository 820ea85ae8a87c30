// metrics/ter.h: Translation Edit Rate as sacreBLEU 2.x computes it by default
// (tercom semantics: case-insensitive, whitespace tokens, greedy block shifts
// of up to 10 words within 50 positions, a beam of 25 around the diagonal of
// the edit-distance matrix, at most 1000 shift candidates per sentence).
// Score = total edits / total reference words * 100.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "metrics/references.h"
#include "metrics/score.h"

namespace tandem {

// (edits, reference words) for one tokenized pair.
std::pair<int, int> translation_edits(const std::vector<std::string>& hyp,
                                      const std::vector<std::string>& ref);

MetricScore corpus_ter(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);
// Several references: per line the fewest edits over the references, divided
// by their mean length (sacreBLEU's rule).
MetricScore corpus_ter(const std::vector<std::string>& hyps, const References& refs);

}  // namespace tandem
