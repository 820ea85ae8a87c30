#include "layers/dropout.h"

namespace tandem {

void dropout_forward(Matrix& x, float p, Rng* rng, Matrix& mask) {
  if (!rng || p <= 0.f) {
    mask.resize(0, 0);
    return;
  }
  const auto stream = rng->next();
  const float scale = 1.f / (1.f - p);
  mask.resize(x.rows(), x.cols());
  float* m = mask.data();
  for (Eigen::Index i = 0; i < mask.size(); ++i) m[i] = stream.uniform(i) < p ? 0.f : scale;
  x.array() *= mask.array();
}

void dropout_backward(Matrix& dy, const Matrix& mask) {
  if (mask.size() == 0) return;
  dy.array() *= mask.array();
}

}  // namespace tandem
