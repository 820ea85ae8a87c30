// layers/rope.h: rotary position embeddings (Su et al., RoFormer, 2021).
// Each head's dimensions are rotated in interleaved pairs (2i, 2i+1) by the
// angle pos * theta^(-2i/head_dim), theta = 10000, as in the paper. Applied to
// the queries and keys of self-attention only; a rotation preserves dot
// products up to the relative position, so cached keys are stored rotated.
#pragma once

#include <algorithm>
#include <vector>

#include "core/tensor.h"

namespace tandem {

// Rotates row r of x ([rows, heads*head_dim]) by position position(r).
// inverse = true rotates by the negative angle (the backward of the forward).
template <typename PositionFn>
void rope_rotate(Matrix& x, int head_dim, PositionFn position, bool inverse = false);

// cos/sin of the angles of one position: [head_dim / 2] each.
void rope_angles(int position, int head_dim, float* cos_out, float* sin_out);

template <typename PositionFn>
void rope_rotate(Matrix& x, int head_dim, PositionFn position, bool inverse) {
  const int half = head_dim / 2, heads = static_cast<int>(x.cols()) / head_dim;
  // Angles once per distinct position (rows of a batch, or all hypotheses of
  // a decoding step, share positions).
  int lo = 0, hi = -1;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const int p = position(static_cast<int>(r));
    lo = r == 0 ? p : std::min(lo, p);
    hi = r == 0 ? p : std::max(hi, p);
  }
  std::vector<float> cos_table(static_cast<size_t>(hi - lo + 1) * half);
  std::vector<float> sin_table(cos_table.size());
  for (int p = lo; p <= hi; ++p)
    rope_angles(p, head_dim, &cos_table[(p - lo) * half], &sin_table[(p - lo) * half]);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const size_t at = static_cast<size_t>(position(static_cast<int>(r)) - lo) * half;
    const float* c = &cos_table[at];
    const float* s = &sin_table[at];
    float* row = x.row(r).data();
    for (int h = 0; h < heads; ++h) {
      float* v = row + h * head_dim;
      for (int i = 0; i < half; ++i) {
        const float a = v[2 * i], b = v[2 * i + 1], sn = inverse ? -s[i] : s[i];
        v[2 * i] = a * c[i] - b * sn;
        v[2 * i + 1] = a * sn + b * c[i];
      }
    }
  }
}

}  // namespace tandem
