// metrics/bleu.h: BLEU exactly as sacreBLEU 2.x computes it by default:
// 13a tokenization, n-grams up to 4, clipped counts summed over the corpus,
// brevity penalty from corpus lengths, exponential smoothing ("exp") of
// zero-match orders; sentence BLEU uses the effective order.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "metrics/references.h"
#include "metrics/score.h"

namespace tandem {

// mteval-v13a tokenization as sacreBLEU's tokenizer_13a.
std::string tokenize_13a(const std::string& line);

struct BleuStats {
  long long hyp_len = 0, ref_len = 0;
  std::array<long long, 4> correct{}, total{};
  void add(const BleuStats& o);
};

BleuStats bleu_stats(const std::string& hyp, const std::string& ref, bool lowercase);
// Against several references (sacreBLEU's rules): each n-gram is clipped by its
// largest count in any reference; the reference length is the one closest to
// the hypothesis length (the shorter on a tie).
BleuStats bleu_stats(const std::string& hyp, const std::vector<const std::string*>& refs, bool lowercase);
double bleu_from_stats(const BleuStats& s, bool effective_order);

MetricScore corpus_bleu(const std::vector<std::string>& hyps, const std::vector<std::string>& refs,
                        bool lowercase = false);
MetricScore corpus_bleu(const std::vector<std::string>& hyps, const References& refs, bool lowercase = false);
MetricScore sentence_bleu(const std::string& hyp, const std::string& ref);
MetricScore sentence_bleu(const std::string& hyp, const std::vector<const std::string*>& refs);

}  // namespace tandem
