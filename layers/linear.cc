#include "layers/linear.h"

#include <cmath>

#include "core/rng.h"
#include "kernels/gemm.h"

namespace tandem {

Linear::Linear(int in, int out, bool bias) : has_bias_(bias) {
  weight_.resize(out, in);
  weight_.is_gemm_weight = true;
  if (has_bias_) {
    bias_.resize(1, out);
    bias_.is_vector = true;
  }
}

void Linear::init(Rng& rng) {
  // Xavier-uniform, as fairseq and the reference recipe use for transformer projections.
  const float a = std::sqrt(6.0f / static_cast<float>(in() + out()));
  auto s = rng.next();
  float* w = weight_.value.data();
  for (Eigen::Index i = 0; i < weight_.value.size(); ++i) w[i] = (2.f * s.uniform(i) - 1.f) * a;
  if (has_bias_) bias_.value.setZero();
}

void Linear::forward(const Matrix& x, Matrix& y) const {
  y.resize(x.rows(), out());
  if (weight_.packed) {
    weight_.packed->multiply(x, y, has_bias_ ? bias_.value.data() : nullptr);
    return;
  }
  gemm(x, Trans::No, weight_.value, Trans::Yes, y);
  if (has_bias_) y.rowwise() += bias_.value.row(0);
}

const float* Linear::forward_deferring_bias(const Matrix& x, Matrix& y) const {
  y.resize(x.rows(), out());
  if (weight_.packed) {
    weight_.packed->multiply(x, y, has_bias_ ? bias_.value.data() : nullptr);
    return nullptr;
  }
  gemm(x, Trans::No, weight_.value, Trans::Yes, y);
  return has_bias_ ? bias_.value.data() : nullptr;
}

void Linear::backward(const Matrix& x, const Matrix& dy, Matrix* dx) {
  if (has_bias_) bias_.gradient().row(0) += dy.colwise().sum();
  backward_without_bias(x, dy, dx);
}

void Linear::backward_without_bias(const Matrix& x, const Matrix& dy, Matrix* dx) {
  gemm(dy, Trans::Yes, x, Trans::No, weight_.gradient(), 1.f, 1.f);
  if (dx) {
    dx->resize(dy.rows(), in());
    gemm(dy, Trans::No, weight_.value, Trans::No, *dx);
  }
}

void Linear::collect(const std::string& prefix, ParamList& out) {
  out.push_back({join_name(prefix, "weight"), &weight_});
  if (has_bias_) out.push_back({join_name(prefix, "bias"), &bias_});
}

}  // namespace tandem
