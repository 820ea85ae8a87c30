#include "layers/dropout.h"

#include "core/threads.h"

namespace tandem {

namespace {

// y = dropout(y) (+ add, when not null), drawing the mask into `mask`.
void drop(Matrix& y, const Matrix* add, float p, Rng* rng, Matrix& mask) {
  if (!rng || p <= 0.f) {
    mask.resize(0, 0);
    if (add) y += *add;
    return;
  }
  const auto stream = rng->next();
  const float scale = 1.f / (1.f - p);
  mask.resize(y.rows(), y.cols());
  float* m = mask.data();
  float* v = y.data();
  const float* a = add ? add->data() : nullptr;
  // Element i's draw depends only on i (a counter-based stream), so the mask
  // is the same whichever thread draws it; mask, product (and sum) in one pass.
  const Eigen::Index n = mask.size();
#pragma omp parallel for schedule(static) if (n >= kMinParallelElements)
  for (Eigen::Index i = 0; i < n; ++i) {
    m[i] = stream.uniform(static_cast<uint64_t>(i)) < p ? 0.f : scale;
    v[i] = a ? v[i] * m[i] + a[i] : v[i] * m[i];
  }
}

}  // namespace

void dropout_forward(Matrix& x, float p, Rng* rng, Matrix& mask) { drop(x, nullptr, p, rng, mask); }

void dropout_add_forward(Matrix& y, const Matrix& x, float p, Rng* rng, Matrix& mask) {
  drop(y, &x, p, rng, mask);
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
