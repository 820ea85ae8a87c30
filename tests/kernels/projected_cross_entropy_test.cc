// The fused, chunked projection + loss against the unfused composition:
// loss sums, token counts, dhidden and the accumulated dweight, over chunk
// sizes that split the rows unevenly, one row, padding, and no real row.
#include "kernels/projected_cross_entropy.h"

#include <random>

#include "../test_util.h"

namespace tandem {
namespace {

struct Case {
  int rows, d, vocab, chunk;
  float epsilon;
};

TEST(ProjectedCrossEntropy, MatchesUnfusedComposition) {
  const int pad = 0;
  std::mt19937 rng(3);
  for (const Case& c : {Case{37, 16, 53, 5}, Case{37, 16, 53, 512}, Case{1, 8, 11, 1},
                        Case{64, 32, 300, 7}, Case{9, 5, 7, 2}}) {
    const Matrix hidden = test::random_matrix(c.rows, c.d, c.rows + c.chunk);
    const Matrix weight = test::random_matrix(c.vocab, c.d, c.vocab);
    Ids targets(c.rows);
    for (auto& t : targets) t = static_cast<int>(rng() % c.vocab);  // includes pad (0) rows
    if (c.rows > 1) targets[1] = pad;
    const Matrix dweight0 = test::random_matrix(c.vocab, c.d, 99);  // accumulation, not overwrite
    Matrix dh_fast, dh_ref, dw_fast = dweight0, dw_ref = dweight0;
    const float scale = 1.f / 7;
    const LossStats fast = projected_cross_entropy(hidden, weight, targets, pad, c.epsilon,
                                                   {&dh_fast, &dw_fast, scale}, c.chunk);
    const LossStats ref = projected_cross_entropy_ref(hidden, weight, targets, pad, c.epsilon,
                                                      {&dh_ref, &dw_ref, scale});
    const std::string what = std::to_string(c.rows) + " rows, chunk " + std::to_string(c.chunk);
    EXPECT_EQ(fast.tokens, ref.tokens) << what;
    EXPECT_NEAR(fast.loss_sum, ref.loss_sum, 1e-4 * std::abs(ref.loss_sum)) << what;
    EXPECT_NEAR(fast.nll_sum, ref.nll_sum, 1e-4 * std::abs(ref.nll_sum)) << what;
    test::expect_close(dh_fast, dh_ref, 1e-5, 1e-4, "dhidden " + what);
    test::expect_close(dw_fast, dw_ref, 1e-5, 1e-4, "dweight " + what);
    if (c.rows > 1) EXPECT_EQ(dh_fast.row(1).norm(), 0.f) << "pad rows get no gradient";
    // Without gradients, the same loss.
    const LossStats eval = projected_cross_entropy(hidden, weight, targets, pad, c.epsilon, {}, c.chunk);
    EXPECT_NEAR(eval.loss_sum, ref.loss_sum, 1e-4 * std::abs(ref.loss_sum)) << what;
  }
}

TEST(ProjectedCrossEntropy, AllPaddingAndBadTargets) {
  const Matrix hidden = test::random_matrix(4, 3, 1), weight = test::random_matrix(5, 3, 2);
  Matrix dh;
  const LossStats s = projected_cross_entropy(hidden, weight, {0, 0, 0, 0}, 0, 0.1f, {&dh, nullptr, 1.f});
  EXPECT_EQ(s.tokens, 0);
  EXPECT_EQ(s.loss_sum, 0.0);
  EXPECT_EQ(dh, Matrix::Zero(4, 3));
  EXPECT_THROW(projected_cross_entropy(hidden, weight, {1, 2, 9, 1}, 0, 0.1f, {}), Error);
  EXPECT_THROW(projected_cross_entropy(hidden, weight, {1, 2}, 0, 0.1f, {}), Error);
}

}  // namespace
}  // namespace tandem
