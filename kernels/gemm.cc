#include "kernels/gemm.h"

#include "core/error.h"

namespace tandem {
namespace {

void check_shapes(const ConstBlockRef& a, Trans ta, const ConstBlockRef& b, Trans tb,
                  const BlockRef& c) {
  const auto m = ta == Trans::No ? a.rows() : a.cols();
  const auto k = ta == Trans::No ? a.cols() : a.rows();
  const auto kb = tb == Trans::No ? b.rows() : b.cols();
  const auto n = tb == Trans::No ? b.cols() : b.rows();
  TANDEM_CHECK(k == kb && c.rows() == m && c.cols() == n)
      << "gemm: shapes [" << m << "," << k << "] x [" << kb << "," << n << "] -> [" << c.rows()
      << "," << c.cols() << "]";
}

}  // namespace

void gemm(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
          float beta) {
  check_shapes(a, ta, b, tb, c);
  if (beta == 0.f) c.setZero();
  else if (beta != 1.f) c *= beta;
  const bool at = ta == Trans::Yes, bt = tb == Trans::Yes;
  if (!at && !bt) c.noalias() += alpha * a * b;
  else if (!at && bt) c.noalias() += alpha * a * b.transpose();
  else if (at && !bt) c.noalias() += alpha * a.transpose() * b;
  else c.noalias() += alpha * a.transpose() * b.transpose();
}

void gemm_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
              float beta) {
  check_shapes(a, ta, b, tb, c);
  const int m = static_cast<int>(c.rows()), n = static_cast<int>(c.cols());
  const int k = static_cast<int>(ta == Trans::No ? a.cols() : a.rows());
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0;
      for (int p = 0; p < k; ++p) {
        const float av = ta == Trans::No ? a(i, p) : a(p, i);
        const float bv = tb == Trans::No ? b(p, j) : b(j, p);
        sum += static_cast<double>(av) * bv;
      }
      const float prev = beta == 0.f ? 0.f : beta * c(i, j);
      c(i, j) = static_cast<float>(alpha * sum) + prev;
    }
  }
}

}  // namespace tandem
