#include "kernels/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__AVX512BF16__)
#include <immintrin.h>
#endif

namespace tandem {

float quantize_row(const float* x, Eigen::Index n, int8_t* out) {
  // Written so the compiler vectorizes it: it runs on every activation row of
  // every int8 product.
  const auto row = Eigen::Map<const Eigen::ArrayXf>(x, n);
  const float max_abs = n > 0 ? row.abs().maxCoeff() : 0.f;
  // A NaN or infinity makes the sum non-finite (a vectorized test, unlike allFinite).
  const bool finite = std::isfinite(max_abs) && std::isfinite(row.sum());
  if (!finite || max_abs == 0.f) {
    // A non-finite row gives a NaN scale, so the product is NaN as it would be
    // in fp32 (and no NaN reaches an int8 cast); a zero row is exact.
    std::fill(out, out + n, int8_t{0});
    return finite ? 0.f : std::numeric_limits<float>::quiet_NaN();
  }
  const float scale = max_abs / 127.f;
  if (max_abs < std::numeric_limits<float>::min()) {
    // Subnormal: 127 / max_abs overflows float to infinity (and 0 * inf is
    // NaN); in double it is finite, so the integers are the same as for the
    // row scaled up. The scale itself stays subnormal (a rare, tiny row).
    const double inverse = 127.0 / static_cast<double>(max_abs);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = static_cast<double>(x[i]) * inverse;
      out[i] = static_cast<int8_t>(static_cast<int>(v + (v >= 0.0 ? 0.5 : -0.5)));
    }
    return scale;
  }
  const float inverse = 127.f / max_abs;
  // Round half away from zero; |x * inverse| <= 127 (+ rounding) by the choice
  // of scale, so the truncated value always fits.
  for (Eigen::Index i = 0; i < n; ++i) {
    const float v = x[i] * inverse;
    out[i] = static_cast<int8_t>(static_cast<int>(v + (v >= 0.f ? 0.5f : -0.5f)));
  }
  return scale;
}

QuantizedRows quantize_rows(ConstBlockRef m) {
  QuantizedRows q;
  q.rows = m.rows();
  q.cols = m.cols();
  q.values.resize(static_cast<size_t>(q.rows * q.cols));
  q.scales.resize(static_cast<size_t>(q.rows));
  for (Eigen::Index r = 0; r < q.rows; ++r)
    q.scales[r] = quantize_row(m.row(r).data(), q.cols, q.values.data() + r * q.cols);
  return q;
}

Matrix dequantize_rows(const QuantizedRows& q) {
  Matrix m(q.rows, q.cols);
  for (Eigen::Index r = 0; r < q.rows; ++r)
    for (Eigen::Index c = 0; c < q.cols; ++c) m(r, c) = q.row(r)[c] * q.scales[r];
  return m;
}

uint16_t to_bfloat16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if (std::isnan(x)) return static_cast<uint16_t>((bits >> 16) | 0x40);  // quiet NaN
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

void to_bfloat16(const float* x, Eigen::Index n, uint16_t* out) {
  Eigen::Index i = 0;
#if defined(__AVX512BF16__) && defined(__AVX512F__)
  for (; i + 16 <= n; i += 16) {
    const __m256bh v = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), reinterpret_cast<const __m256i&>(v));
  }
#endif
  for (; i < n; ++i) out[i] = to_bfloat16(x[i]);
}

float from_bfloat16(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

}  // namespace tandem
