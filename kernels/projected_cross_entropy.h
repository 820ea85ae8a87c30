// kernels/projected_cross_entropy.h: the output projection and the
// label-smoothed cross-entropy, fused and computed in row chunks, so the
// [tokens, vocab] logits and their gradient are never whole in memory (at
// 2,048 tokens x 8,000 pieces they were 2 x 65 MB) and padding rows are never
// projected. The reference is the composition it replaces: gemm to logits,
// label_smoothed_cross_entropy, then the two gemms of the backward pass.
#pragma once

#include "kernels/cross_entropy.h"

namespace tandem {

struct ProjectedLossGrads {
  Matrix* dhidden = nullptr;  // [rows, d], overwritten (pad rows 0); may be null
  Matrix* dweight = nullptr;  // [vocab, d], accumulated into; may be null
  float grad_scale = 1.f;     // as in label_smoothed_cross_entropy
};

// hidden: [rows, d]; weight: [vocab, d] (logits = hidden * weight^T);
// targets: [rows], pad_id rows ignored. Rows are taken `chunk_rows` at a time.
LossStats projected_cross_entropy(const Matrix& hidden, const Matrix& weight, const Ids& targets,
                                  int pad_id, float epsilon, const ProjectedLossGrads& grads,
                                  int chunk_rows = 512);

// The unfused composition, kept as the reference the fused kernel is tested against.
LossStats projected_cross_entropy_ref(const Matrix& hidden, const Matrix& weight,
                                      const Ids& targets, int pad_id, float epsilon,
                                      const ProjectedLossGrads& grads);

}  // namespace tandem
