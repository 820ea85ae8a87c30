// gemm (Eigen) against gemm_ref (plain loops) for every transpose combination,
// alpha/beta, and per-head blocks of a larger matrix as attention uses them.
#include "kernels/gemm.h"

#include "../test_util.h"

namespace tandem {
namespace {

struct GemmCase {
  Trans ta, tb;
  float alpha, beta;
};

class GemmTest : public ::testing::TestWithParam<GemmCase> {};

TEST_P(GemmTest, MatchesReference) {
  const auto c = GetParam();
  const int m = 37, k = 19, n = 23;
  const Matrix a = c.ta == Trans::No ? test::random_matrix(m, k, 1) : test::random_matrix(k, m, 1);
  const Matrix b = c.tb == Trans::No ? test::random_matrix(k, n, 2) : test::random_matrix(n, k, 2);
  Matrix fast = test::random_matrix(m, n, 3), ref = fast;
  gemm(a, c.ta, b, c.tb, fast, c.alpha, c.beta);
  gemm_ref(a, c.ta, b, c.tb, ref, c.alpha, c.beta);
  test::expect_close(fast, ref, 1e-5, 1e-5, "gemm");
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, GemmTest,
                         ::testing::Values(GemmCase{Trans::No, Trans::No, 1.f, 0.f},
                                           GemmCase{Trans::No, Trans::Yes, 0.5f, 0.f},
                                           GemmCase{Trans::Yes, Trans::No, 1.f, 1.f},
                                           GemmCase{Trans::Yes, Trans::Yes, 2.f, 0.5f}));

TEST(Gemm, WorksOnBlocks) {
  const Matrix q = test::random_matrix(10, 8, 4), k = test::random_matrix(12, 8, 5);
  Matrix fast(10, 12), ref(10, 12);
  gemm(q.block(0, 4, 10, 4), Trans::No, k.block(0, 4, 12, 4), Trans::Yes, fast);
  gemm_ref(q.block(0, 4, 10, 4), Trans::No, k.block(0, 4, 12, 4), Trans::Yes, ref);
  test::expect_close(fast, ref, 1e-5, 1e-5, "block gemm");
  const Matrix expected = q.block(0, 4, 10, 4) * k.block(0, 4, 12, 4).transpose();
  test::expect_close(ref, expected, 1e-5, 1e-5, "block gemm vs Eigen");
}

TEST(Gemm, RejectsMismatchedShapes) {
  const Matrix a(3, 4), b(5, 6);
  Matrix c(3, 6);
  EXPECT_THROW(gemm(a, Trans::No, b, Trans::No, c), Error);
  EXPECT_THROW(gemm_ref(a, Trans::No, b, Trans::No, c), Error);
}

}  // namespace
}  // namespace tandem
