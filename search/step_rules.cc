#include "search/step_rules.h"

#include <algorithm>
#include <cmath>

namespace tandem {

void log_softmax_row(float* logits, int vocab) {
  auto row = Eigen::Map<Eigen::ArrayXf>(logits, vocab);
  const float mx = row.maxCoeff();
  const float log_z = mx + std::log((row - mx).exp().sum());
  row -= log_z;
}

void apply_constraints(float* logp, int vocab, const Ids& tokens, int max_len,
                       const SearchOptions& o, const SpecialIds& ids) {
  const int generated = static_cast<int>(tokens.size());
  if (generated + 1 >= max_len) {  // the last allowed position: end here
    const float eos = logp[ids.eos];
    std::fill(logp, logp + vocab, kNegInf);
    logp[ids.eos] = eos;
    return;
  }
  logp[ids.pad] = kNegInf;
  logp[ids.bos] = kNegInf;
  if (generated < o.min_len) logp[ids.eos] = kNegInf;
  const int n = o.no_repeat_ngram;
  if (n > 0 && generated + 1 >= n) {
    // Ban t if (last n-1 tokens, t) already occurs in the hypothesis.
    for (int i = 0; i + n - 1 < generated; ++i) {
      bool same = true;
      for (int j = 0; j < n - 1 && same; ++j) same = tokens[i + j] == tokens[generated - n + 1 + j];
      if (same) logp[tokens[i + n - 1]] = kNegInf;
    }
  }
}

Hypothesis finish(const Ids& tokens, double log_prob, float alpha,
                  std::vector<Eigen::VectorXf> attention) {
  Hypothesis h;
  h.tokens = tokens;
  h.attention = std::move(attention);
  h.log_prob = static_cast<float>(log_prob);
  h.score = static_cast<float>(log_prob / length_penalty(alpha, static_cast<int>(tokens.size()) + 1));
  return h;
}

int argmax_token(const float* row, int vocab, int fallback) {
  int best = fallback;
  float best_value = kNegInf;
  for (int v = 0; v < vocab; ++v)
    if (row[v] > best_value) best_value = row[v], best = v;
  return best;
}

}  // namespace tandem
