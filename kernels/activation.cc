#include "kernels/activation.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tandem {
namespace {

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

// Columns per task of the backward pass: each task owns its columns' sums.
constexpr Eigen::Index kColumnBlock = 64;
// Below this many elements a parallel region costs more than the pass.
constexpr Eigen::Index kParallelElements = Eigen::Index{1} << 15;

}  // namespace

float activation_value(Activation act, float x) {
  if (act == Activation::Relu) return x > 0.f ? x : 0.f;
  return 0.5f * x * (1.f + std::erf(x * kInvSqrt2));
}

float activation_slope(Activation act, float x) {
  if (act == Activation::Relu) return x > 0.f ? 1.f : 0.f;
  const float cdf = 0.5f * (1.f + std::erf(x * kInvSqrt2));
  return cdf + x * kInvSqrt2Pi * std::exp(-0.5f * x * x);
}

void bias_activation(BlockRef pre, const float* bias, Activation act, BlockRef out) {
  const Eigen::Index rows = pre.rows(), cols = pre.cols();
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelElements)
  for (Eigen::Index r = 0; r < rows; ++r) {
    float* p = &pre(r, 0);
    float* o = &out(r, 0);
    if (bias)
      for (Eigen::Index c = 0; c < cols; ++c) p[c] += bias[c];
    if (act == Activation::Relu) {
      for (Eigen::Index c = 0; c < cols; ++c) o[c] = p[c] > 0.f ? p[c] : 0.f;
    } else {
      for (Eigen::Index c = 0; c < cols; ++c) o[c] = activation_value(act, p[c]);
    }
  }
}

void bias_activation_ref(BlockRef pre, const float* bias, Activation act, BlockRef out) {
  for (Eigen::Index r = 0; r < pre.rows(); ++r)
    for (Eigen::Index c = 0; c < pre.cols(); ++c) {
      if (bias) pre(r, c) = static_cast<float>(static_cast<double>(pre(r, c)) + bias[c]);
      out(r, c) = activation_value(act, pre(r, c));
    }
}

void activation_bias_backward(ConstBlockRef pre, BlockRef grad, Activation act, float* dbias) {
  const Eigen::Index rows = grad.rows(), cols = grad.cols();
  const Eigen::Index blocks = (cols + kColumnBlock - 1) / kColumnBlock;
  // Column blocks, not rows, are split across threads: every column's sum is
  // taken by one thread, top to bottom (same result on any thread count).
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelElements)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const Eigen::Index c0 = b * kColumnBlock, c1 = std::min(cols, c0 + kColumnBlock);
    float sums[kColumnBlock] = {};
    for (Eigen::Index r = 0; r < rows; ++r) {
      const float* p = pre.data() + r * pre.outerStride();
      float* g = &grad(r, 0);
      if (act == Activation::Relu) {
        for (Eigen::Index c = c0; c < c1; ++c) g[c] = p[c] > 0.f ? g[c] : 0.f;
      } else {
        for (Eigen::Index c = c0; c < c1; ++c) g[c] *= activation_slope(act, p[c]);
      }
      if (dbias)
        for (Eigen::Index c = c0; c < c1; ++c) sums[c - c0] += g[c];
    }
    if (dbias)
      for (Eigen::Index c = c0; c < c1; ++c) dbias[c] += sums[c - c0];
  }
}

void activation_bias_backward_ref(ConstBlockRef pre, BlockRef grad, Activation act, float* dbias) {
  std::vector<double> sums(static_cast<size_t>(grad.cols()), 0.0);
  for (Eigen::Index r = 0; r < grad.rows(); ++r)
    for (Eigen::Index c = 0; c < grad.cols(); ++c) {
      grad(r, c) = act == Activation::Relu ? (pre(r, c) > 0.f ? grad(r, c) : 0.f)
                                           : grad(r, c) * activation_slope(act, pre(r, c));
      sums[c] += grad(r, c);
    }
  if (dbias)
    for (Eigen::Index c = 0; c < grad.cols(); ++c) dbias[c] = static_cast<float>(dbias[c] + sums[c]);
}

}  // namespace tandem
