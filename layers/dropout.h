// layers/dropout.h: inverted dropout. In training each element is kept with
// probability 1-p and scaled by 1/(1-p); in evaluation it is the identity.
// The mask is stored (as the scale factors) for backward.
#pragma once

#include "core/rng.h"
#include "core/tensor.h"

namespace tandem {

// Applies dropout in place; `mask` receives the per-element factor (0 or 1/(1-p)).
// With rng null or p == 0 nothing happens and mask is left empty.
void dropout_forward(Matrix& x, float p, Rng* rng, Matrix& mask);
// dx = dy * mask, in place; a no-op when mask is empty.
void dropout_backward(Matrix& dy, const Matrix& mask);

// Fused forms for the residual connections (one pass instead of two):
// y = dropout(y) + x, with the same mask dropout_forward would draw ...
void dropout_add_forward(Matrix& y, const Matrix& x, float p, Rng* rng, Matrix& mask);
// ... and out = dy * mask (a copy of dy when mask is empty).
void dropout_backward_copy(const Matrix& dy, const Matrix& mask, Matrix& out);

}  // namespace tandem
