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

namespace {

bool worse(const std::pair<float, int>& a, const std::pair<float, int>& b) { return a.first > b.first; }

// One entry into the heap of the best `count` (out.front() = the worst kept).
inline void offer(std::vector<std::pair<float, int>>& out, int count, float value, int token) {
  if (!(value > kNegInf)) return;  // banned (-inf) or NaN: never a candidate
  if (static_cast<int>(out.size()) < count) {
    out.emplace_back(value, token);
    std::push_heap(out.begin(), out.end(), worse);
  } else if (value > out.front().first) {
    std::pop_heap(out.begin(), out.end(), worse);
    out.back() = {value, token};
    std::push_heap(out.begin(), out.end(), worse);
  }
}

}  // namespace

void top_tokens_ref(const float* row, int vocab, int count, std::vector<std::pair<float, int>>& out) {
  out.clear();
  for (int v = 0; v < vocab; ++v) offer(out, count, row[v], v);
}

void top_tokens(const float* row, int vocab, int count, std::vector<std::pair<float, int>>& out) {
  constexpr int kBlock = 16;
  out.clear();
  int v = 0;
  for (; v < vocab && static_cast<int>(out.size()) < count; ++v) offer(out, count, row[v], v);
  for (; v + kBlock <= vocab; v += kBlock) {
    // A block enters only if one of its entries beats the worst kept (NaN
    // compares false, as in offer): one vectorized comparison per entry.
    const float threshold = out.front().first;
    int any = 0;
    for (int j = 0; j < kBlock; ++j) any |= row[v + j] > threshold;
    if (!any) continue;
    for (int j = 0; j < kBlock; ++j) offer(out, count, row[v + j], v + j);
  }
  for (; v < vocab; ++v) offer(out, count, row[v], v);
}

}  // namespace tandem
