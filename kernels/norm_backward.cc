#include "kernels/norm_backward.h"

#include <algorithm>
#include <vector>

#include "core/threads.h"

namespace tandem {
namespace {

// Columns per task of the gradient sums: each task owns its columns.
constexpr Eigen::Index kColumnBlock = 64;

}  // namespace

void norm_backward(const NormBackwardArgs& a, Matrix& dx, float* dgamma, float* dbeta) {
  const Eigen::Index n = a.dy.rows(), d = a.dy.cols();
  if (a.residual != &dx) dx.resize(n, d);
  const Eigen::Index blocks = (d + kColumnBlock - 1) / kColumnBlock;
  const float inv_d = 1.f / static_cast<float>(d);
#pragma omp parallel if (n * d >= kMinParallelElements)
  {
#pragma omp for schedule(static) nowait
    for (Eigen::Index r = 0; r < n; ++r) {
      const float* dy = a.dy.data() + r * d;
      const float* xhat = a.xhat.data() + r * d;
      float sum_dxhat = 0.f, sum_dxhat_xhat = 0.f;
      for (Eigen::Index c = 0; c < d; ++c) {
        const float g = dy[c] * a.gamma[c];
        sum_dxhat += g;
        sum_dxhat_xhat += g * xhat[c];
      }
      const float mean_dxhat = a.rms ? 0.f : sum_dxhat * inv_d;
      const float mean_dxhat_xhat = sum_dxhat_xhat * inv_d;
      const float rstd = a.rstd(r);
      const float* res = a.residual ? a.residual->data() + r * d : nullptr;
      float* out = dx.data() + r * d;
      for (Eigen::Index c = 0; c < d; ++c) {
        const float v = rstd * (dy[c] * a.gamma[c] - mean_dxhat - xhat[c] * mean_dxhat_xhat);
        out[c] = res ? res[c] + v : v;
      }
    }
    // The sums read only dy and xhat: no barrier needed between the loops.
#pragma omp for schedule(static)
    for (Eigen::Index b = 0; b < blocks; ++b) {
      const Eigen::Index c0 = b * kColumnBlock, c1 = std::min(d, c0 + kColumnBlock);
      float sum_gamma[kColumnBlock] = {}, sum_beta[kColumnBlock] = {};
      for (Eigen::Index r = 0; r < n; ++r) {
        const float* dy = a.dy.data() + r * d;
        const float* xhat = a.xhat.data() + r * d;
        for (Eigen::Index c = c0; c < c1; ++c) {
          sum_gamma[c - c0] += dy[c] * xhat[c];
          sum_beta[c - c0] += dy[c];
        }
      }
      for (Eigen::Index c = c0; c < c1; ++c) {
        dgamma[c] += sum_gamma[c - c0];
        if (dbeta) dbeta[c] += sum_beta[c - c0];
      }
    }
  }
}

void norm_backward_ref(const NormBackwardArgs& a, Matrix& dx, float* dgamma, float* dbeta) {
  const Eigen::Index n = a.dy.rows(), d = a.dy.cols();
  const Matrix residual = a.residual ? *a.residual : Matrix();
  dx.resize(n, d);
  std::vector<double> sum_gamma(static_cast<size_t>(d), 0.0), sum_beta(static_cast<size_t>(d), 0.0);
  for (Eigen::Index r = 0; r < n; ++r) {
    double mean_dxhat = 0, mean_dxhat_xhat = 0;
    for (Eigen::Index c = 0; c < d; ++c) {
      const double g = static_cast<double>(a.dy(r, c)) * a.gamma[c];
      mean_dxhat += g / static_cast<double>(d);
      mean_dxhat_xhat += g * a.xhat(r, c) / static_cast<double>(d);
      sum_gamma[c] += static_cast<double>(a.dy(r, c)) * a.xhat(r, c);
      sum_beta[c] += a.dy(r, c);
    }
    if (a.rms) mean_dxhat = 0;
    for (Eigen::Index c = 0; c < d; ++c) {
      const double g = static_cast<double>(a.dy(r, c)) * a.gamma[c];
      const double v = a.rstd(r) * (g - mean_dxhat - a.xhat(r, c) * mean_dxhat_xhat);
      dx(r, c) = static_cast<float>(a.residual ? residual(r, c) + v : v);
    }
  }
  for (Eigen::Index c = 0; c < d; ++c) {
    dgamma[c] = static_cast<float>(dgamma[c] + sum_gamma[c]);
    if (dbeta) dbeta[c] = static_cast<float>(dbeta[c] + sum_beta[c]);
  }
}

}  // namespace tandem
