#include "kernels/packed_weight.h"

#include "core/error.h"

#ifdef TANDEM_HAVE_ONEDNN
#include "kernels/packed_matmul_onednn.h"
#else
namespace tandem::onednn {
class PackedMatmul {};  // never made without oneDNN; complete for unique_ptr
}  // namespace tandem::onednn
#endif

namespace tandem {

PackedWeight::PackedWeight(ConstBlockRef weight, ComputeType type)
    : type_(type), out_(weight.rows()), in_(weight.cols()) {
  switch (type) {
    case ComputeType::Int8:
      int8_ = quantize_rows(weight);
      break;
    case ComputeType::BFloat16:
      bf16_.resize(static_cast<size_t>(out_ * in_));
      for (Eigen::Index r = 0; r < out_; ++r)
        for (Eigen::Index c = 0; c < in_; ++c) bf16_[r * in_ + c] = to_bfloat16(weight(r, c));
      break;
    case ComputeType::Float32:
      TANDEM_FAIL() << "float32 weights are multiplied by gemm, not packed";
  }
  pack();
}

PackedWeight::PackedWeight(QuantizedRows weight)
    : type_(ComputeType::Int8), out_(weight.rows), in_(weight.cols), int8_(std::move(weight)) {
  TANDEM_CHECK(int8_.values.size() == static_cast<size_t>(out_ * in_) &&
               int8_.scales.size() == static_cast<size_t>(out_))
      << "int8 weight: " << int8_.values.size() << " values and " << int8_.scales.size()
      << " scales do not make a " << out_ << "x" << in_ << " matrix";
  pack();
}

PackedWeight::~PackedWeight() = default;

void PackedWeight::pack() {
#ifdef TANDEM_HAVE_ONEDNN
  if (out_ == 0 || in_ == 0) return;
  const void* plain = type_ == ComputeType::Int8 ? static_cast<const void*>(int8_.values.data())
                                                 : static_cast<const void*>(bf16_.data());
  packed_ = std::make_unique<onednn::PackedMatmul>(type_, out_, in_, plain);
#endif
}

void PackedWeight::check_shapes(const ConstBlockRef& x, const BlockRef& y) const {
  TANDEM_CHECK(x.cols() == in_ && y.rows() == x.rows() && y.cols() == out_)
      << "packed product: x is " << x.rows() << "x" << x.cols() << ", y is " << y.rows() << "x"
      << y.cols() << ", weight is " << out_ << "x" << in_ << " (y = x W^T)";
}

void PackedWeight::multiply(ConstBlockRef x, BlockRef y, const float* bias) const {
  check_shapes(x, y);
  if (x.rows() == 0) return;
  if (!packed_) {
    multiply_ref(x, y, bias);
    return;
  }
#ifdef TANDEM_HAVE_ONEDNN
  packed_->multiply(x, y, int8_.scales.data(), bias);
#endif
}

Matrix PackedWeight::effective_weight() const {
  if (type_ == ComputeType::Int8) return dequantize_rows(int8_);
  Matrix w(out_, in_);
  for (Eigen::Index r = 0; r < out_; ++r)
    for (Eigen::Index c = 0; c < in_; ++c) w(r, c) = from_bfloat16(bf16_[r * in_ + c]);
  return w;
}

void PackedWeight::multiply_ref(ConstBlockRef x, BlockRef y, const float* bias) const {
  check_shapes(x, y);
  const Eigen::Index m = x.rows();
  if (type_ == ComputeType::Int8) {
    std::vector<int8_t> xq(static_cast<size_t>(in_));
    for (Eigen::Index r = 0; r < m; ++r) {
      const float row_scale = quantize_row(x.row(r).data(), in_, xq.data());
      for (Eigen::Index j = 0; j < out_; ++j) {
        int32_t acc = 0;
        const int8_t* w = int8_.row(j);
        for (Eigen::Index k = 0; k < in_; ++k) acc += int32_t{xq[k]} * int32_t{w[k]};
        y(r, j) = static_cast<float>(acc) * (row_scale * int8_.scales[j]) + (bias ? bias[j] : 0.f);
      }
    }
    return;
  }
  const Matrix w = effective_weight();  // bf16: rounded operands, fp32 sums
  for (Eigen::Index r = 0; r < m; ++r) {
    for (Eigen::Index j = 0; j < out_; ++j) {
      double sum = 0;
      for (Eigen::Index k = 0; k < in_; ++k)
        sum += static_cast<double>(from_bfloat16(to_bfloat16(x(r, k)))) * w(j, k);
      y(r, j) = static_cast<float>(sum) + (bias ? bias[j] : 0.f);
    }
  }
}

}  // namespace tandem
