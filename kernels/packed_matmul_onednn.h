// kernels/packed_matmul_onednn.h: the oneDNN side of PackedWeight (built only
// with TANDEM_HAVE_ONEDNN). The weight is reordered once into the layout
// oneDNN's blocked kernel (brgemm) picks for it; a primitive per row-count
// bucket and thread count reads it; x is quantized (int8, per row) or rounded
// (bf16) here.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/compute_type.h"
#include "kernels/gemm.h"

namespace tandem::onednn {

class PackedMatmul {
 public:
  // `weight` points at [out, in] row-major values of `type`'s storage type
  // (int8_t, or uint16_t bf16 bits); float32 is an error.
  PackedMatmul(ComputeType type, Eigen::Index out, Eigen::Index in, const void* weight);
  ~PackedMatmul();
  PackedMatmul(const PackedMatmul&) = delete;
  PackedMatmul& operator=(const PackedMatmul&) = delete;

  // y = dequantize(x W^T) (+ bias). For int8, `column_scales` are the
  // weight's per-row scales; x is quantized per row here.
  void multiply(ConstBlockRef x, BlockRef y, const float* column_scales, const float* bias) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tandem::onednn
