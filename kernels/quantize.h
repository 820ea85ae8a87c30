// kernels/quantize.h: symmetric int8 quantization with one scale per row, and
// bfloat16 rounding. A weight [out, in] quantized by rows has one scale per
// output channel; an activation [tokens, d] one per token (dynamic).
//   value ~= int8 * scale,  scale = max|row| / 127  (0 for an all-zero row)
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/gemm.h"

namespace tandem {

struct QuantizedRows {
  Eigen::Index rows = 0, cols = 0;
  std::vector<int8_t> values;  // row-major [rows, cols]
  std::vector<float> scales;   // [rows]

  const int8_t* row(Eigen::Index r) const { return values.data() + r * cols; }
};

QuantizedRows quantize_rows(ConstBlockRef m);
// Quantizes one row of `n` floats into `out`; returns its scale.
float quantize_row(const float* x, Eigen::Index n, int8_t* out);
Matrix dequantize_rows(const QuantizedRows& q);

// Round to nearest even, as the hardware conversion does; NaN stays NaN.
uint16_t to_bfloat16(float x);
float from_bfloat16(uint16_t b);
// n values at once, with the CPU's conversion instruction where it has one
// (AVX512-BF16: same rounding; it also flushes denormals to zero).
void to_bfloat16(const float* x, Eigen::Index n, uint16_t* out);

}  // namespace tandem
