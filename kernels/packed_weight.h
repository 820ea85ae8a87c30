// kernels/packed_weight.h: a weight matrix W [out, in] prepared once for the
// many products y = x W^T of decoding: quantized to int8 or rounded to bf16
// (kernels/compute_type.h) and, with oneDNN, reordered into the blocked layout
// its GEMM kernel reads, so no step re-packs or re-converts the weights.
// float32 weights are not packed: through the same blocked kernel they decoded
// no faster than `gemm` on a whole file, and would be a second copy.
// `multiply` is the fast path; `multiply_ref` does the same arithmetic in plain
// loops (int32 sums for int8, bf16-rounded operands for bfloat16) and is what
// tests hold the fast path to.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/compute_type.h"
#include "kernels/gemm.h"
#include "kernels/quantize.h"

namespace tandem {

namespace onednn {
class PackedMatmul;  // kernels/packed_matmul_onednn.h
}

class PackedWeight {
 public:
  // Converts `weight` [out, in] to `type`, int8 (one scale per output row) or
  // bfloat16; float32 is an error.
  PackedWeight(ConstBlockRef weight, ComputeType type);
  // An int8 weight as a model file stores it; values and scales are kept exactly.
  explicit PackedWeight(QuantizedRows weight);
  ~PackedWeight();
  PackedWeight(const PackedWeight&) = delete;
  PackedWeight& operator=(const PackedWeight&) = delete;

  // y = x W^T (+ bias, a row of `out` values, when not null). y is [x.rows, out].
  void multiply(ConstBlockRef x, BlockRef y, const float* bias = nullptr) const;
  void multiply_ref(ConstBlockRef x, BlockRef y, const float* bias = nullptr) const;

  ComputeType type() const { return type_; }
  Eigen::Index out() const { return out_; }
  Eigen::Index in() const { return in_; }
  // The int8 values and scales (type int8 only), e.g. to write a model file.
  const QuantizedRows& int8_weights() const { return int8_; }
  // W as the products see it (dequantized, or bf16-rounded), [out, in].
  Matrix effective_weight() const;

 private:
  void check_shapes(const ConstBlockRef& x, const BlockRef& y) const;
  void pack();  // makes packed_ when the build has a fast backend

  ComputeType type_;
  Eigen::Index out_ = 0, in_ = 0;
  QuantizedRows int8_;          // int8: [out, in] and a scale per row
  std::vector<uint16_t> bf16_;  // bfloat16: [out, in] row-major
  std::unique_ptr<onednn::PackedMatmul> packed_;  // the backend's copy in its layout
};

}  // namespace tandem
