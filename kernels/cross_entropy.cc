#include "kernels/cross_entropy.h"

#include <cmath>

#include "core/error.h"

namespace tandem {

LossStats label_smoothed_cross_entropy(const Matrix& logits, const Ids& targets, int pad_id,
                                       float epsilon, Matrix* dlogits, float grad_scale) {
  const Eigen::Index n = logits.rows(), vocab = logits.cols();
  TANDEM_CHECK(static_cast<Eigen::Index>(targets.size()) == n)
      << "loss: " << targets.size() << " targets for " << n << " rows of logits";
  LossStats stats;
  if (dlogits) dlogits->resize(n, vocab);
  const double uniform = static_cast<double>(epsilon) / static_cast<double>(vocab);
  double loss_sum = 0, nll_sum = 0;
  int tokens = 0, bad_target = -1;
  // Rows are independent: one pass per row computes log Z, the losses and the gradient.
#pragma omp parallel for schedule(static) reduction(+ : loss_sum, nll_sum, tokens)
  for (Eigen::Index r = 0; r < n; ++r) {
    const int y = targets[r];
    if (y == pad_id) {
      if (dlogits) dlogits->row(r).setZero();
      continue;
    }
    if (y < 0 || y >= vocab) {
#pragma omp critical
      bad_target = y;
      continue;
    }
    const auto row = logits.row(r).array();
    const float mx = row.maxCoeff();
    const double log_z = mx + std::log(static_cast<double>((row - mx).exp().sum()));
    const double nll = log_z - row(y);
    // sum_v -log p_v = V * log_z - sum_v logit_v
    const double sum_neg_logp = vocab * log_z - static_cast<double>(row.sum());
    nll_sum += nll;
    loss_sum += (1.0 - epsilon) * nll + uniform * sum_neg_logp;
    ++tokens;
    if (dlogits) {
      auto d = dlogits->row(r).array();
      d = (row - static_cast<float>(log_z)).exp() - static_cast<float>(uniform);
      d(y) -= 1.f - epsilon;
      d *= grad_scale;
    }
  }
  TANDEM_CHECK(bad_target < 0) << "loss: target id " << bad_target << " outside vocabulary " << vocab;
  stats.loss_sum = loss_sum;
  stats.nll_sum = nll_sum;
  stats.tokens = tokens;
  return stats;
}

}  // namespace tandem
