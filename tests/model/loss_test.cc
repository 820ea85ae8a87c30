#include "kernels/cross_entropy.h"

#include <cmath>

#include "../test_util.h"
#include "tiny_model.h"
#include "model/seq2seq.h"

namespace tandem {
namespace {

TEST(Loss, KnownAnswerAndPadIgnored) {
  Matrix logits(3, 3);
  logits << 0, 0, 0,  //
      1, 2, 3,        //
      5, 5, 5;        // a pad row: must not count
  const Ids targets = {1, 2, 0};
  const auto s = label_smoothed_cross_entropy(logits, targets, /*pad*/ 0, 0.f, nullptr);
  EXPECT_EQ(s.tokens, 2);
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  EXPECT_NEAR(s.nll_sum, std::log(3.0) + (lse - 3.0), 1e-6);
  EXPECT_NEAR(s.loss_sum, s.nll_sum, 1e-9);
  // With smoothing eps: (1-eps)*nll + eps/V * sum_v -log p_v; row 0 is uniform.
  const auto t = label_smoothed_cross_entropy(logits, targets, 0, 0.3f, nullptr);
  const double row1 = 0.7 * (lse - 3.0) + 0.1 * ((lse - 1) + (lse - 2) + (lse - 3));
  EXPECT_NEAR(t.loss_sum, std::log(3.0) + row1, 1e-5);
}

TEST(Loss, GradientMatchesFiniteDifferences) {
  Matrix logits = test::random_matrix(5, 7, 3, 2.f);
  const Ids targets = {1, 6, 0, 3, 2};
  Matrix grad;
  const auto s = label_smoothed_cross_entropy(logits, targets, 0, 0.1f, &grad, 0.5f);
  EXPECT_EQ(s.tokens, 4);
  EXPECT_EQ(grad.row(2).squaredNorm(), 0.f);
  auto loss = [&] { return 0.5 * label_smoothed_cross_entropy(logits, targets, 0, 0.1f, nullptr).loss_sum; };
  test::check_gradient(logits, grad, loss, "dlogits", 1e-2f, 1e-4, 1e-2);
}

// The model's fused training pass equals forward, the unfused loss and backward
// for every parameter (tied embeddings included), and its evaluation loss too.
TEST(Loss, FusedForwardBackwardEqualsUnfused) {
  for (auto tie : {TieEmbeddings::None, TieEmbeddings::All}) {
    Seq2Seq model(test::tiny_config(NormPlacement::Pre, tie, Activation::Relu));
    model.init(5);
    const Batch batch = test::tiny_batch();
    model.zero_grad();
    Seq2Seq::Saved saved;
    Matrix logits, dlogits;
    model.forward(batch, logits, &saved, nullptr);
    const auto ref = label_smoothed_cross_entropy(logits, batch.tgt_out, 0, 0.1f, &dlogits, 0.25f);
    model.backward(batch, dlogits, saved);
    std::vector<Matrix> ref_grads;
    for (const auto& p : model.params()) ref_grads.push_back(p.param->grad);
    model.zero_grad();
    const auto fused = model.forward_backward(batch, nullptr, 0.1f, 0.25f);
    EXPECT_EQ(fused.tokens, ref.tokens);
    EXPECT_NEAR(fused.loss_sum, ref.loss_sum, 1e-4 * ref.loss_sum);
    for (size_t i = 0; i < model.params().size(); ++i)
      test::expect_close(model.params()[i].param->grad, ref_grads[i], 1e-6, 1e-4, model.params()[i].name);
    EXPECT_NEAR(model.evaluate_loss(batch, 0.1f).loss_sum, ref.loss_sum, 1e-4 * ref.loss_sum);
  }
}

}  // namespace
}  // namespace tandem
