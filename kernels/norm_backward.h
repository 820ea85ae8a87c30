// kernels/norm_backward.h: the backward pass of layer norm and RMS norm
// (layers/layer_norm.h), with the residual branch's gradient added in the
// same pass. For each row, with xhat and rstd saved by the forward pass:
//   dxhat   = dy * gamma
//   dx      = residual + rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
//             (RMS norm: no mean(dxhat) term)
//   dgamma += column sums of dy * xhat;  dbeta += column sums of dy
// A pre-norm sublayer's input gradient is the residual's plus the norm's:
// done here in the pass that computes the norm's, instead of two more passes.
// Rows are split across threads for dx, column blocks for the sums (each
// column summed top to bottom by one thread: the same result on any thread
// count). `_ref` is the plain loops, with double sums, that tests hold it to.
#pragma once

#include "core/tensor.h"

namespace tandem {

struct NormBackwardArgs {
  const Matrix& dy;             // [n, d]
  const Matrix& xhat;           // [n, d]
  const Eigen::VectorXf& rstd;  // [n]
  const float* gamma;           // [d]
  bool rms = false;
  const Matrix* residual = nullptr;  // [n, d] added to dx; may be dx itself
};  // dx must be neither dy nor xhat

// dx: resized to [n, d]; dgamma, dbeta ([d], dbeta null for RMS norm) accumulate.
void norm_backward(const NormBackwardArgs& a, Matrix& dx, float* dgamma, float* dbeta);
void norm_backward_ref(const NormBackwardArgs& a, Matrix& dx, float* dgamma, float* dbeta);

}  // namespace tandem
