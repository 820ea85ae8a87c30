// search/step_rules.h: what every decoding step does to a row of logits, shared
// by beam search, greedy decoding and speculative decoding so that they make
// the same choices: the one log-softmax of decoding, the constraints (output
// limits, banned tokens, no-repeat n-grams), the argmax, and the final score.
#pragma once

#include <limits>
#include <vector>

#include "search/beam_search.h"

namespace tandem {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// In place: logits -> log-probabilities.
void log_softmax_row(float* logits, int vocab);

// Tokens the next step may not produce, written as -inf into the row: PAD,
// BOS, EOS before min_len, repeated n-grams; at the last allowed position
// everything but EOS. `tokens` is the hypothesis so far (no BOS).
void apply_constraints(float* logp, int vocab, const Ids& tokens, int max_len,
                       const SearchOptions& o, const SpecialIds& ids);

// The best token of a row; `fallback` (EOS) when every entry is -inf or NaN.
int argmax_token(const float* row, int vocab, int fallback);
// The best `count` tokens of a row (value, token), unordered; -inf and NaN
// never count; on a tie at the boundary the lower token id stays. The fast
// version skips blocks of 16 entries none of which beats the current
// count-th best (after the first few blocks, nearly all of them); the
// reference is the plain heap scan it is tested against.
void top_tokens(const float* row, int vocab, int count, std::vector<std::pair<float, int>>& out);
void top_tokens_ref(const float* row, int vocab, int count, std::vector<std::pair<float, int>>& out);

// A finished hypothesis with its length-normalized score.
Hypothesis finish(const Ids& tokens, double log_prob, float alpha,
                  std::vector<Eigen::VectorXf> attention = {});

}  // namespace tandem
