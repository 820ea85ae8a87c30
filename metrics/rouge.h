// metrics/rouge.h: ROUGE-1, ROUGE-2 and ROUGE-L F1 for summaries, with the
// tokenization of Google's rouge_score package (its default, no stemming):
// lowercase, every run of characters other than ASCII a-z and 0-9 becomes a
// space, split on spaces. So non-ASCII letters are dropped, as there.
// Per pair: P = overlap / hypothesis n-grams, R = overlap / reference n-grams,
// F1 = 2PR / (P + R) (0 when either is empty); ROUGE-L uses the longest common
// subsequence. Corpus score = mean of the per-pair F1, times 100.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "metrics/references.h"
#include "metrics/score.h"

namespace tandem {

std::vector<std::string> rouge_tokenize(const std::string& text);
double rouge_n_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref, int n);
// Longest common subsequence length: bit-parallel (O(|a| |b| / 64) time, O(|b|)
// memory, so long documents score in well under a second) and the plain
// dynamic programme it is tested against.
size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b);
size_t lcs_length_ref(const std::vector<std::string>& a, const std::vector<std::string>& b);
double rouge_l_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref);

// ROUGE-1, ROUGE-2, ROUGE-L, in that order.
std::vector<MetricScore> corpus_rouge(const std::vector<std::string>& hyps,
                                      const std::vector<std::string>& refs);
// Several references: per line the mean of the F1 against each of its
// references (not the best one, not pooled counts), then the mean over lines;
// followed by ROUGE-1/2/L against each reference alone ("ROUGE-1 ref2", over
// the lines that have reference 2).
std::vector<MetricScore> corpus_rouge(const std::vector<std::string>& hyps, const References& refs);

}  // namespace tandem
