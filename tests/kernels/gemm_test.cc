// gemm (oneDNN when built with it) and gemm_eigen against gemm_ref (plain
// loops) for every transpose combination, alpha/beta, odd sizes, single rows
// and columns, and per-head blocks of a larger matrix as attention uses them.
#include "kernels/gemm.h"

#include "kernels/compute_type.h"
#include "kernels/quantize.h"

#include "../test_util.h"
#ifdef TANDEM_HAVE_ONEDNN
#include "kernels/gemm_onednn.h"
#endif

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

// Every path, every transpose, on shapes that stress the fast kernels' edges:
// one row (a decoding step), one column, sizes just past vector widths, K = 1,
// and strided blocks for all three operands. Each shape is run twice so the
// cached primitive is reused as well as created.
TEST(Gemm, FastPathsMatchReferenceOnOddShapes) {
  struct Shape {
    int m, k, n;
  };
  const Shape shapes[] = {{1, 256, 1000}, {17, 1, 33}, {1, 1, 1}, {65, 129, 3},
                          {4, 300, 1},    {33, 17, 65}, {128, 64, 130}};
  int seed = 10;
  for (const auto& s : shapes) {
    for (auto ta : {Trans::No, Trans::Yes}) {
      for (auto tb : {Trans::No, Trans::Yes}) {
        for (auto [alpha, beta] : {std::make_pair(1.f, 0.f), std::make_pair(0.25f, 1.f),
                                   std::make_pair(-1.f, 0.5f)}) {
          // Operands live inside wider matrices, 3 columns in: a block with an outer stride.
          const Matrix a_store = ta == Trans::No ? test::random_matrix(s.m, s.k + 5, ++seed)
                                                 : test::random_matrix(s.k, s.m + 5, ++seed);
          const Matrix b_store = tb == Trans::No ? test::random_matrix(s.k, s.n + 4, ++seed)
                                                 : test::random_matrix(s.n, s.k + 4, ++seed);
          const auto a = ta == Trans::No ? a_store.block(0, 3, s.m, s.k) : a_store.block(0, 3, s.k, s.m);
          const auto b = tb == Trans::No ? b_store.block(0, 3, s.k, s.n) : b_store.block(0, 3, s.n, s.k);
          const Matrix c0 = test::random_matrix(s.m, s.n + 2, ++seed);
          Matrix ref = c0, fast = c0, eigen = c0;
          gemm_ref(a, ta, b, tb, ref.block(0, 1, s.m, s.n), alpha, beta);
          for (int repeat = 0; repeat < 2; ++repeat) {
            fast = c0;
            gemm(a, ta, b, tb, fast.block(0, 1, s.m, s.n), alpha, beta);
          }
          gemm_eigen(a, ta, b, tb, eigen.block(0, 1, s.m, s.n), alpha, beta);
          const std::string what = "m" + std::to_string(s.m) + " k" + std::to_string(s.k) + " n" +
                                   std::to_string(s.n) + (ta == Trans::Yes ? " At" : "") +
                                   (tb == Trans::Yes ? " Bt" : "") + " beta " + std::to_string(beta);
          test::expect_close(fast, ref, 1e-4, 1e-4, "gemm " + what);
          test::expect_close(eigen, ref, 1e-4, 1e-4, "gemm_eigen " + what);
#ifdef TANDEM_HAVE_ONEDNN
          // `gemm` sends small products to Eigen; the oneDNN path must be right on them too.
          Matrix onednn = c0;
          gemm_onednn(a, ta, b, tb, onednn.block(0, 1, s.m, s.n), alpha, beta);
          test::expect_close(onednn, ref, 1e-4, 1e-4, "gemm_onednn " + what);
#endif
        }
      }
    }
  }
}

// Threads call gemm from inside parallel loops (attention per head): each
// must get its own primitive and the right answer.
TEST(Gemm, InsideParallelRegions) {
  const Matrix a = test::random_matrix(24, 40, 1), b = test::random_matrix(40, 16, 2);
  Matrix ref(24, 16);
  gemm_ref(a, Trans::No, b, Trans::No, ref);
  std::vector<Matrix> out(16, Matrix(24, 16));
#pragma omp parallel for schedule(dynamic)
  for (int i = 0; i < 16; ++i) gemm(a, Trans::No, b, Trans::No, out[i]);
  for (const auto& o : out) test::expect_close(o, ref, 1e-5, 1e-5, "parallel gemm");
}

TEST(Gemm, EmptyInnerDimensionScalesC) {
  const Matrix a(3, 0), b(0, 2);
  Matrix c = Matrix::Constant(3, 2, 2.f);
  gemm(a, Trans::No, b, Trans::No, c, 1.f, 0.5f);
  EXPECT_EQ(c, Matrix::Constant(3, 2, 1.f));
}

TEST(Gemm, RejectsMismatchedShapes) {
  const Matrix a(3, 4), b(5, 6);
  Matrix c(3, 6);
  EXPECT_THROW(gemm(a, Trans::No, b, Trans::No, c), Error);
  EXPECT_THROW(gemm_ref(a, Trans::No, b, Trans::No, c), Error);
  EXPECT_THROW(gemm_eigen(a, Trans::No, b, Trans::No, c), Error);
}

// train.precision: bf16: large products take bf16 operands (fp32 sums), held
// to the plain loops on the same rounded operands; small ones stay fp32.
TEST(Gemm, Bf16PrecisionMatchesRoundedReference) {
  if (!compute_type_unsupported_reason(ComputeType::BFloat16).empty()) GTEST_SKIP() << "no bf16 here";
  set_gemm_precision(GemmPrecision::BFloat16);
  for (const auto& c : {GemmCase{Trans::No, Trans::No, 1.f, 0.f}, GemmCase{Trans::No, Trans::Yes, 0.5f, 0.f},
                        GemmCase{Trans::Yes, Trans::No, 1.f, 1.f}, GemmCase{Trans::Yes, Trans::Yes, 2.f, 0.5f}}) {
    const int m = 130, k = 67, n = 150;  // 1.3M multiply-adds: the oneDNN path
    const Matrix a = c.ta == Trans::No ? test::random_matrix(m, k, 1) : test::random_matrix(k, m, 1);
    const Matrix b = c.tb == Trans::No ? test::random_matrix(k, n, 2) : test::random_matrix(n, k, 2);
    Matrix fast = test::random_matrix(m, n, 3), rounded = fast, exact = fast;
    gemm(a, c.ta, b, c.tb, fast, c.alpha, c.beta);
    gemm_bf16_ref(a, c.ta, b, c.tb, rounded, c.alpha, c.beta);
    gemm_ref(a, c.ta, b, c.tb, exact, c.alpha, c.beta);
    test::expect_close(fast, rounded, 1e-4, 1e-4, "bf16 gemm vs rounded reference");
    // bf16 really is in use: the exact fp32 product differs by bf16's rounding.
    EXPECT_GT((fast - exact).cwiseAbs().maxCoeff(), 1e-4);
    test::expect_close(fast, exact, 0.2, 0.02, "bf16 gemm vs fp32 (67 products of 2^-9 rounding)");
  }
  // Below the oneDNN threshold products stay fp32.
  const Matrix a = test::random_matrix(8, 16, 4), b = test::random_matrix(16, 8, 5);
  Matrix small(8, 8), ref(8, 8);
  gemm(a, Trans::No, b, Trans::No, small);
  gemm_ref(a, Trans::No, b, Trans::No, ref);
  test::expect_close(small, ref, 1e-5, 1e-5, "small product in fp32");
  set_gemm_precision(GemmPrecision::Float32);
}

TEST(Gemm, BulkBf16ConversionMatchesScalar) {
  const Matrix x = test::random_matrix(1, 37, 6, 100.f);  // 16-wide body and a tail
  std::vector<uint16_t> bulk(37);
  to_bfloat16(x.data(), 37, bulk.data());
  for (int i = 0; i < 37; ++i) EXPECT_EQ(bulk[i], to_bfloat16(x(0, i))) << i;
}

}  // namespace
}  // namespace tandem
