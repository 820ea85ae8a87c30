// kernels/softmax.h: row softmax over a contiguous range of columns per row;
// columns outside the range are set to exactly 0 (masked keys). Attention uses
// the range for padding, causality and sliding windows at once.
// `softmax_rows` vectorizes each row with Eigen array ops; `softmax_rows_ref` is
// the plain loop in double precision that tests hold it to.
#pragma once

#include "kernels/gemm.h"

namespace tandem {

// The columns [lo, hi) a row takes part in (hi > lo).
struct KeyRange {
  int lo = 0, hi = 0;
};

// scores: [rows, cols], in place. range(r) gives row r's KeyRange.
template <typename RangeFn>
void softmax_rows(BlockRef scores, RangeFn range) {
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    const KeyRange k = range(static_cast<int>(r));
    auto row = scores.row(r);
    auto live = row.segment(k.lo, k.hi - k.lo).array();
    const float mx = live.maxCoeff();
    live = (live - mx).exp();
    live /= live.sum();
    row.head(k.lo).setZero();
    row.tail(row.size() - k.hi).setZero();
  }
}

template <typename RangeFn>
void softmax_rows_ref(BlockRef scores, RangeFn range) {
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    const KeyRange k = range(static_cast<int>(r));
    double mx = scores(r, k.lo);
    for (int j = k.lo + 1; j < k.hi; ++j) mx = std::max(mx, static_cast<double>(scores(r, j)));
    double sum = 0;
    for (int j = k.lo; j < k.hi; ++j) sum += std::exp(scores(r, j) - mx);
    for (Eigen::Index j = 0; j < scores.cols(); ++j)
      scores(r, j) = j >= k.lo && j < k.hi ? static_cast<float>(std::exp(scores(r, j) - mx) / sum)
                                           : 0.f;
  }
}

}  // namespace tandem
