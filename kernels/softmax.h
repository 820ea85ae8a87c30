// kernels/softmax.h: row softmax over the first `valid[r]` columns of each row;
// the rest of the row is set to exactly 0 (masked keys). Used by attention, where
// `valid` encodes both padding and causality.
// `softmax_rows` vectorizes each row with Eigen array ops; `softmax_rows_ref` is
// the plain loop in double precision that tests hold it to.
#pragma once

#include "kernels/gemm.h"

namespace tandem {

// scores: [rows, cols], in place. valid(r) returns how many leading columns of
// row r take part (>= 1).
template <typename ValidFn>
void softmax_rows(BlockRef scores, ValidFn valid) {
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    const int n = valid(static_cast<int>(r));
    auto row = scores.row(r);
    auto head = row.head(n).array();
    const float mx = head.maxCoeff();
    head = (head - mx).exp();
    head /= head.sum();
    row.tail(row.size() - n).setZero();
  }
}

template <typename ValidFn>
void softmax_rows_ref(BlockRef scores, ValidFn valid) {
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    const int n = valid(static_cast<int>(r));
    double mx = scores(r, 0);
    for (int j = 1; j < n; ++j) mx = std::max(mx, static_cast<double>(scores(r, j)));
    double sum = 0;
    for (int j = 0; j < n; ++j) sum += std::exp(scores(r, j) - mx);
    for (Eigen::Index j = 0; j < scores.cols(); ++j)
      scores(r, j) = j < n ? static_cast<float>(std::exp(scores(r, j) - mx) / sum) : 0.f;
  }
}

}  // namespace tandem
