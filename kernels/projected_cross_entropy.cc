#include "kernels/projected_cross_entropy.h"

#include <algorithm>

#include "core/error.h"
#include "core/profile.h"
#include "kernels/gemm.h"

namespace tandem {

LossStats projected_cross_entropy(const Matrix& hidden, const Matrix& weight, const Ids& targets,
                                  int pad_id, float epsilon, const ProjectedLossGrads& grads,
                                  int chunk_rows) {
  const ProfileScope profile_scope(OpClass::Loss);
  TANDEM_CHECK(static_cast<Eigen::Index>(targets.size()) == hidden.rows())
      << "loss: " << targets.size() << " targets for " << hidden.rows() << " hidden rows";
  TANDEM_CHECK(weight.cols() == hidden.cols() && chunk_rows > 0)
      << "loss: projection [" << weight.rows() << "," << weight.cols() << "] for hidden width "
      << hidden.cols();
  const Eigen::Index d = hidden.cols();
  if (grads.dhidden) grads.dhidden->setZero(hidden.rows(), d);
  std::vector<Eigen::Index> counted;  // non-pad rows: only they are projected
  counted.reserve(targets.size());
  for (size_t r = 0; r < targets.size(); ++r)
    if (targets[r] != pad_id) counted.push_back(static_cast<Eigen::Index>(r));

  // Buffers live across calls (one per thread): a training run reuses them every update.
  thread_local Matrix h, logits, dlogits, dh;
  LossStats total;
  for (size_t begin = 0; begin < counted.size(); begin += chunk_rows) {
    const size_t n = std::min(counted.size() - begin, static_cast<size_t>(chunk_rows));
    h.resize(static_cast<Eigen::Index>(n), d);
    Ids chunk_targets(n);
    for (size_t i = 0; i < n; ++i) {
      h.row(static_cast<Eigen::Index>(i)) = hidden.row(counted[begin + i]);
      chunk_targets[i] = targets[counted[begin + i]];
    }
    logits.resize(h.rows(), weight.rows());
    const bool was_backward = profile::backward();
    profile::set_backward(false);
    gemm(h, Trans::No, weight, Trans::Yes, logits);
    profile::set_backward(true);
    const bool backward = grads.dhidden || grads.dweight;
    const LossStats s = label_smoothed_cross_entropy(logits, chunk_targets, pad_id, epsilon,
                                                     backward ? &dlogits : nullptr, grads.grad_scale);
    total.loss_sum += s.loss_sum;
    total.nll_sum += s.nll_sum;
    total.tokens += s.tokens;
    if (grads.dweight) gemm(dlogits, Trans::Yes, h, Trans::No, *grads.dweight, 1.f, 1.f);
    if (grads.dhidden) {
      dh.resize(h.rows(), d);
      gemm(dlogits, Trans::No, weight, Trans::No, dh);
      for (size_t i = 0; i < n; ++i) grads.dhidden->row(counted[begin + i]) = dh.row(static_cast<Eigen::Index>(i));
    }
    profile::set_backward(was_backward);
  }
  return total;
}

LossStats projected_cross_entropy_ref(const Matrix& hidden, const Matrix& weight,
                                      const Ids& targets, int pad_id, float epsilon,
                                      const ProjectedLossGrads& grads) {
  Matrix logits(hidden.rows(), weight.rows()), dlogits;
  gemm_ref(hidden, Trans::No, weight, Trans::Yes, logits);
  const bool backward = grads.dhidden || grads.dweight;
  const LossStats s = label_smoothed_cross_entropy(logits, targets, pad_id, epsilon,
                                                   backward ? &dlogits : nullptr, grads.grad_scale);
  if (grads.dweight) gemm_ref(dlogits, Trans::Yes, hidden, Trans::No, *grads.dweight, 1.f, 1.f);
  if (grads.dhidden) {
    grads.dhidden->resize(hidden.rows(), hidden.cols());
    gemm_ref(dlogits, Trans::No, weight, Trans::No, *grads.dhidden);
  }
  return s;
}

}  // namespace tandem
