// layers/param.h: a trainable tensor and its gradient, and the named list of
// them that HDF5 I/O and the optimizer walk.
// Vectors (biases, norm scales) are 1 x n matrices stored as 1-D datasets.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "kernels/packed_weight.h"

namespace tandem {

struct Param {
  Matrix value;
  Matrix grad;             // empty until a backward pass or zero_grad needs it
  bool is_vector = false;  // 1-D in files: [n] rather than [1, n]
  bool is_gemm_weight = false;  // multiplied as W [out, in] in y = x W^T: may be packed
  bool frozen = false;          // fine-tuning: the optimizer leaves it as it is
  // The weight prepared for decoding products (compute type, packed layout); null = `value`.
  std::shared_ptr<const PackedWeight> packed;

  void resize(int rows, int cols) {
    value = Matrix::Zero(rows, cols);
    grad.resize(0, 0);
  }
  // The gradient, allocated as zeros on first use: a model loaded only to
  // decode never holds one (it would double the memory).
  Matrix& gradient() {
    if (grad.rows() != value.rows() || grad.cols() != value.cols())
      grad = Matrix::Zero(value.rows(), value.cols());
    return grad;
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
