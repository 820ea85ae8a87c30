#include "layers/dropout.h"

#include "core/threads.h"

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
  float* v = x.data();
  // Element i's draw depends only on i (a counter-based stream), so the mask
  // is the same whichever thread draws it; mask and product in one pass.
  const Eigen::Index n = mask.size();
#pragma omp parallel for schedule(static) if (n >= kMinParallelElements)
  for (Eigen::Index i = 0; i < n; ++i) {
    m[i] = stream.uniform(static_cast<uint64_t>(i)) < p ? 0.f : scale;
    v[i] *= m[i];
  }
}

void dropout_add_forward(Matrix& y, const Matrix& x, float p, Rng* rng, Matrix& mask) {
  if (!rng || p <= 0.f) {
    mask.resize(0, 0);
    y += x;
    return;
  }
  const auto stream = rng->next();
  const float scale = 1.f / (1.f - p);
  mask.resize(y.rows(), y.cols());
  float* m = mask.data();
  float* v = y.data();
  const float* add = x.data();
  const Eigen::Index n = mask.size();
#pragma omp parallel for schedule(static) if (n >= kMinParallelElements)
  for (Eigen::Index i = 0; i < n; ++i) {
    m[i] = stream.uniform(static_cast<uint64_t>(i)) < p ? 0.f : scale;
    v[i] = v[i] * m[i] + add[i];
  }
}

void dropout_backward_copy(const Matrix& dy, const Matrix& mask, Matrix& out) {
  if (mask.size() == 0) {
    out = dy;
    return;
  }
  out.resize(dy.rows(), dy.cols());
  out.array() = dy.array() * mask.array();
}

void dropout_backward(Matrix& dy, const Matrix& mask) {
  if (mask.size() == 0) return;
  dy.array() *= mask.array();
}

}  // namespace tandem
