// tests/test_util.h: random fills, tolerance comparison, and finite-difference
// gradient checks shared by the test files.
// Tolerance = abs + rel * |expected|; failures print index, got, expected.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/error.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace tandem::test {

// The message of the tandem::Error that f throws; "" when it throws none.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline Matrix random_matrix(int rows, int cols, uint64_t seed, float scale = 1.f) {
  Rng rng(seed);
  const auto s = rng.next();
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = s.normal(i) * scale;
  return m;
}

// sum(y .* r) in double: a scalar whose gradient w.r.t. y is exactly r.
inline double project(const Matrix& y, const Matrix& r) {
  return (y.cast<double>().array() * r.cast<double>().array()).sum();
}

inline void expect_close(const Matrix& got, const Matrix& expected, double atol, double rtol,
                         const std::string& what) {
  ASSERT_EQ(got.rows(), expected.rows()) << what;
  ASSERT_EQ(got.cols(), expected.cols()) << what;
  int failures = 0;
  for (Eigen::Index i = 0; i < got.size() && failures < 5; ++i) {
    const double g = got.data()[i], e = expected.data()[i];
    if (std::abs(g - e) > atol + rtol * std::abs(e)) {
      ADD_FAILURE() << what << " [" << i / got.cols() << "," << i % got.cols() << "]: got " << g
                    << ", expected " << e;
      ++failures;
    }
  }
}

// Central finite differences of `loss` w.r.t. up to `max_entries` entries of
// `value` (spread over the tensor), compared with `analytic`. The loss must be
// a pure function of the current values (fresh RNG per call if dropout is on).
inline void check_gradient(Matrix& value, const Matrix& analytic,
                           const std::function<double()>& loss, const std::string& what,
                           float eps = 1e-2f, double atol = 2e-3, double rtol = 2e-2,
                           int max_entries = 40) {
  ASSERT_EQ(value.size(), analytic.size()) << what;
  const Eigen::Index n = value.size();
  const Eigen::Index step = std::max<Eigen::Index>(1, n / max_entries);
  int failures = 0;
  double diff_l1 = 0, numeric_l1 = 0, numeric_max = 0;
  for (Eigen::Index i = (n > max_entries ? step / 2 : 0); i < n && failures < 5; i += step) {
    float& v = value.data()[i];
    const float saved = v;
    v = saved + eps;
    const double up = loss();
    v = saved - eps;
    const double down = loss();
    v = saved;
    const double numeric = (up - down) / (2.0 * eps);
    const double got = analytic.data()[i];
    diff_l1 += std::abs(got - numeric);
    numeric_l1 += std::abs(numeric);
    numeric_max = std::max(numeric_max, std::abs(numeric));
    if (std::abs(got - numeric) > atol + rtol * std::abs(numeric)) {
      ADD_FAILURE() << what << " entry " << i << ": analytic " << got << ", finite difference "
                    << numeric;
      ++failures;
    }
  }
  // Entry by entry, atol lets small gradients pass whatever their value (a zero
  // gradient among them); together, the sampled entries must match to 25%
  // wherever the finite differences are above twice atol (float32 noise of a
  // central difference here is ~3e-4).
  if (failures == 0 && numeric_max > 2 * atol && diff_l1 > 0.25 * numeric_l1)
    ADD_FAILURE() << what << ": sampled gradient entries differ by " << diff_l1 / numeric_l1 * 100
                  << "% of their finite-difference size in total";
}

}  // namespace tandem::test
