// layers/param.h: a trainable tensor and its gradient, and the named list of
// them that HDF5 I/O and the optimizer walk.
// Vectors (biases, norm scales) are 1 x n matrices stored as 1-D datasets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace tandem {

struct Param {
  Matrix value;
  Matrix grad;
  bool is_vector = false;  // 1-D in files: [n] rather than [1, n]

  void resize(int rows, int cols) {
    value = Matrix::Zero(rows, cols);
    grad = Matrix::Zero(rows, cols);
  }
  std::vector<int> shape() const {
    if (is_vector) return {static_cast<int>(value.cols())};
    return {static_cast<int>(value.rows()), static_cast<int>(value.cols())};
  }
};

struct NamedParam {
  std::string name;  // e.g. "encoder/layers/0/self_attn/q_proj/weight"
  Param* param;
};
using ParamList = std::vector<NamedParam>;

inline std::string join_name(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "/" + name;
}

}  // namespace tandem
