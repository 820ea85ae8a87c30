// layers/position_bias.h: per-head biases added to self-attention logits that
// depend only on the distance delta = key position - query position.
//   ALiBi (Press et al. 2022): bias = -slope_h * |delta|, fixed geometric slopes.
//     The causal form only ever sees delta <= 0; the encoder's bidirectional form
//     uses |delta| on both sides.
//   T5 relative buckets (Raffel et al. 2020): bias = table[bucket(delta), h], a
//     learned [buckets, heads] table shared by every layer of one stack; half of
//     the buckets are exact small distances, the rest log-spaced up to
//     max_distance. Bidirectional buckets split the range by the sign of delta.
// Cross-attention gets no position bias (query and key positions belong to
// different sequences), as in both papers.
#pragma once

#include <vector>

#include "layers/param.h"

namespace tandem {

class Rng;

enum class PositionBiasKind { Alibi, Relative };

// The slopes of the ALiBi paper: 2^(-8/n), 2^(-16/n), ... for n a power of two;
// otherwise those of the nearest lower power of two followed by every other
// slope of the next one.
std::vector<float> alibi_slopes(int heads);

// T5's bucket of a relative position (key - query).
int relative_bucket(int delta, bool bidirectional, int buckets, int max_distance);

class PositionBias {
 public:
  PositionBias() = default;
  PositionBias(PositionBiasKind kind, int heads, bool bidirectional, int buckets = 32,
               int max_distance = 128);

  void init(Rng& rng);
  // out: [heads, max_delta - min_delta + 1]; out(h, i) is the bias at delta min_delta + i.
  void fill(int min_delta, int max_delta, Matrix& out) const;
  // Adds the gradient of biases laid out as in fill() into the table (Relative only).
  void accumulate_grad(int min_delta, const Matrix& dbias);
  void collect(const std::string& prefix, ParamList& out);

  PositionBiasKind kind() const { return kind_; }
  bool learned() const { return kind_ == PositionBiasKind::Relative; }

 private:
  PositionBiasKind kind_ = PositionBiasKind::Alibi;
  int heads_ = 1;
  bool bidirectional_ = true;
  int buckets_ = 32, max_distance_ = 128;
  std::vector<float> slopes_;  // ALiBi
  Param table_;                // Relative: [buckets, heads]
};

}  // namespace tandem
