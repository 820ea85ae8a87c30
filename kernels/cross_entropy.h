// kernels/cross_entropy.h: label-smoothed cross-entropy over non-pad target tokens.
// Target distribution q = (1-eps)*onehot(y) + eps/V (PyTorch's
// CrossEntropyLoss(label_smoothing=eps)); per token loss = -sum_v q_v log p_v.
#pragma once

#include "core/tensor.h"

namespace tandem {

struct LossStats {
  double loss_sum = 0;  // label-smoothed loss summed over counted tokens
  double nll_sum = 0;   // plain negative log-likelihood, for perplexity
  int tokens = 0;       // non-pad targets counted
};

// logits: [n, V]; targets: [n], entries equal to pad_id are ignored.
// If dlogits is non-null it receives d(grad_scale * loss_sum)/d logits (pad rows 0);
// grad_scale = 1/tokens gives the gradient of the mean.
LossStats label_smoothed_cross_entropy(const Matrix& logits, const Ids& targets, int pad_id,
                                       float epsilon, Matrix* dlogits, float grad_scale = 1.f);

}  // namespace tandem
