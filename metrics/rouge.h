// metrics/rouge.h: ROUGE-1, ROUGE-2 and ROUGE-L F1 for summaries, with the
// tokenization of Google's rouge_score package (its default, no stemming):
// lowercase, every run of characters other than ASCII a-z and 0-9 becomes a
// space, split on spaces. So non-ASCII letters are dropped, as there.
// Per pair: P = overlap / hypothesis n-grams, R = overlap / reference n-grams,
// F1 = 2PR / (P + R) (0 when either is empty); ROUGE-L uses the longest common
// subsequence. Corpus score = mean of the per-pair F1, times 100.
#pragma once

#include <string>
#include <vector>

#include "metrics/score.h"

namespace tandem {

std::vector<std::string> rouge_tokenize(const std::string& text);
double rouge_n_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref, int n);
double rouge_l_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref);

// ROUGE-1, ROUGE-2, ROUGE-L, in that order.
std::vector<MetricScore> corpus_rouge(const std::vector<std::string>& hyps,
                                      const std::vector<std::string>& refs);

}  // namespace tandem
