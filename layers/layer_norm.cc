#include "layers/layer_norm.h"

#include <cmath>

#include "core/profile.h"
#include "kernels/norm_backward.h"

namespace tandem {

LayerNorm::LayerNorm(int d, NormType type, float eps) : type_(type), eps_(eps) {
  gamma_.resize(1, d);
  gamma_.value.setOnes();
  gamma_.is_vector = true;
  beta_.resize(1, d);
  beta_.is_vector = true;
}

void LayerNorm::forward(const Matrix& x, Matrix& y, Saved* saved) const {
  const ProfileScope profile_scope(OpClass::Norm);
  const Eigen::Index n = x.rows(), d = x.cols();
  y.resize(n, d);
  if (saved) {
    saved->xhat.resize(n, d);
    saved->rstd.resize(n);
  }
#pragma omp parallel for schedule(static) if (n > 256)
  for (Eigen::Index r = 0; r < n; ++r) {
    const bool rms = type_ == NormType::RmsNorm;
    const float mean = rms ? 0.f : x.row(r).mean();
    const float var = (x.row(r).array() - mean).square().mean();  // rms: the mean square
    const float rstd = 1.f / std::sqrt(var + eps_);
    auto xhat = (x.row(r).array() - mean) * rstd;
    y.row(r) = (xhat * gamma_.value.row(0).array() + beta_.value.row(0).array()).matrix();
    if (saved) {
      saved->xhat.row(r) = xhat.matrix();
      saved->rstd(r) = rstd;
    }
  }
}

void LayerNorm::backward(const Matrix& dy, const Saved& c, Matrix& dx, const Matrix* residual) {
  const ProfileScope profile_scope(OpClass::Norm);
  const bool rms = type_ == NormType::RmsNorm;
  norm_backward({dy, c.xhat, c.rstd, gamma_.value.data(), rms, residual}, dx, gamma_.gradient().data(),
                rms ? nullptr : beta_.gradient().data());
}

void LayerNorm::collect(const std::string& prefix, ParamList& out) {
  out.push_back({join_name(prefix, "weight"), &gamma_});
  if (type_ == NormType::LayerNorm) out.push_back({join_name(prefix, "bias"), &beta_});
}

}  // namespace tandem
