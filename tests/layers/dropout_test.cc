#include "layers/dropout.h"

#include "../test_util.h"
#include "core/threads.h"

namespace tandem {
namespace {

TEST(Dropout, EvalModeIsIdentity) {
  Matrix x = test::random_matrix(3, 4, 1), mask;
  const Matrix before = x;
  dropout_forward(x, 0.5f, nullptr, mask);
  EXPECT_EQ(mask.size(), 0);
  test::expect_close(x, before, 0, 0, "x");
}

TEST(Dropout, KeepsExpectedFractionAndScales) {
  Rng rng(5);
  Matrix x = Matrix::Ones(200, 100), mask;
  dropout_forward(x, 0.25f, &rng, mask);
  const double kept = (mask.array() > 0).cast<double>().mean();
  EXPECT_NEAR(kept, 0.75, 0.01);
  EXPECT_NEAR(x.mean(), 1.0, 0.02);  // inverted dropout preserves the mean
  Matrix dy = Matrix::Ones(200, 100);
  dropout_backward(dy, mask);
  test::expect_close(dy, mask, 0, 0, "backward multiplies by the same mask");
}

TEST(Dropout, SameSeedSameMask) {
  Rng a(9), b(9);
  Matrix x1 = Matrix::Ones(10, 10), x2 = x1, m1, m2;
  dropout_forward(x1, 0.5f, &a, m1);
  dropout_forward(x2, 0.5f, &b, m2);
  test::expect_close(m1, m2, 0, 0, "mask");
}

// The mask is drawn in parallel for large tensors: it must not depend on how
// many threads drew it (resume and reruns are bit-exact across --threads).
TEST(Dropout, MaskDoesNotDependOnThreadCount) {
  const int before = num_threads();
  Matrix masks[2], outputs[2];
  for (int t = 0; t < 2; ++t) {
    set_threads(t + 1);
    Rng rng(11);
    outputs[t] = test::random_matrix(300, 257, 3);  // > kMinParallelElements, odd width
    dropout_forward(outputs[t], 0.3f, &rng, masks[t]);
  }
  set_threads(before);
  test::expect_close(masks[1], masks[0], 0, 0, "mask on 2 threads vs 1");
  test::expect_close(outputs[1], outputs[0], 0, 0, "output on 2 threads vs 1");
  EXPECT_GT((masks[0].array() == 0).count(), 0);
}

// The fused residual forms equal the two-pass ones: the same mask exactly, the
// sum to one rounding (the compiler may fuse y * m + x into one FMA).
TEST(Dropout, FusedAddAndBackwardCopyEqualTwoPasses) {
  for (float p : {0.f, 0.3f}) {
    Rng a(21), b(21);
    const Matrix x = test::random_matrix(300, 129, 1);
    Matrix fused = test::random_matrix(300, 129, 2), plain = fused, m_fused, m_plain;
    dropout_add_forward(fused, x, p, &a, m_fused);
    dropout_forward(plain, p, &b, m_plain);
    plain += x;
    test::expect_close(m_fused, m_plain, 0, 0, "mask");
    test::expect_close(fused, plain, 1e-6, 1e-6, "dropout(y) + x");
    const Matrix dy = test::random_matrix(300, 129, 3);
    Matrix copy, in_place = dy;
    dropout_backward_copy(dy, m_fused, copy);
    dropout_backward(in_place, m_plain);
    test::expect_close(copy, in_place, 0, 0, "dy * mask");
  }
}

}  // namespace
}  // namespace tandem
