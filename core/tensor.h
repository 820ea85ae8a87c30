// core/tensor.h: the matrix types every level uses.
// Activations are row-major float32 matrices batched over tokens: in a
// [batch*len, d] matrix, sentence b occupies rows b*len .. b*len+len-1.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace tandem {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using Ids = std::vector<int32_t>;

// The shape of a padded batch of sequences: `lengths[b]` real tokens of `len`.
struct SeqShape {
  int batch = 0;
  int len = 0;
  std::vector<int> lengths;  // [batch], each in 1..len

  int rows() const { return batch * len; }
};

}  // namespace tandem
