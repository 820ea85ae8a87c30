#include "kernels/softmax.h"

#include "../test_util.h"

namespace tandem {
namespace {

TEST(Softmax, MatchesReferenceWithMaskedEdges) {
  Matrix fast = test::random_matrix(9, 7, 11, 3.f), ref = fast;
  // Ranges that touch neither, one or both edges.
  auto range = [](int r) { return KeyRange{r % 3, std::min(7, 1 + r % 3 + r % 5)}; };
  softmax_rows(fast, range);
  softmax_rows_ref(ref, range);
  test::expect_close(fast, ref, 1e-6, 1e-5, "softmax");
  for (int r = 0; r < 9; ++r) {
    EXPECT_NEAR(fast.row(r).sum(), 1.0, 1e-5);
    const KeyRange k = range(r);
    for (int j = 0; j < 7; ++j)
      if (j < k.lo || j >= k.hi) EXPECT_EQ(fast(r, j), 0.f) << "masked key must be exactly 0";
  }
}

TEST(Softmax, StableForLargeLogits) {
  Matrix m(1, 3);
  m << 1000.f, 1001.f, 999.f;
  softmax_rows(m, [](int) { return KeyRange{0, 3}; });
  EXPECT_TRUE(m.allFinite());
  EXPECT_NEAR(m(0, 1), 0.6652409, 1e-6);  // e / (1 + e + 1/e)
}

}  // namespace
}  // namespace tandem
