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

void dropout_backward(Matrix& dy, const Matrix& mask) {
  if (mask.size() == 0) return;
  dy.array() *= mask.array();
}

}  // namespace tandem
