#include "layers/layer_norm.h"

#include <cmath>

#include "core/profile.h"

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

void LayerNorm::backward(const Matrix& dy, const Saved& c, Matrix& dx) {
  const ProfileScope profile_scope(OpClass::Norm);
  const Eigen::Index n = dy.rows(), d = dy.cols();
  dx.resize(n, d);
  gamma_.gradient().row(0) += (dy.array() * c.xhat.array()).colwise().sum().matrix();
  if (type_ == NormType::LayerNorm) beta_.gradient().row(0) += dy.colwise().sum();
#pragma omp parallel for schedule(static) if (n > 256)
  for (Eigen::Index r = 0; r < n; ++r) {
    const auto dxhat = (dy.row(r).array() * gamma_.value.row(0).array()).eval();
    const float mean_dxhat = type_ == NormType::RmsNorm ? 0.f : dxhat.mean();
    const float mean_dxhat_xhat = (dxhat * c.xhat.row(r).array()).mean();
    dx.row(r) = (c.rstd(r) * (dxhat - mean_dxhat - c.xhat.row(r).array() * mean_dxhat_xhat)).matrix();
  }
}

void LayerNorm::collect(const std::string& prefix, ParamList& out) {
  out.push_back({join_name(prefix, "weight"), &gamma_});
  if (type_ == NormType::LayerNorm) out.push_back({join_name(prefix, "bias"), &beta_});
}

}  // namespace tandem
