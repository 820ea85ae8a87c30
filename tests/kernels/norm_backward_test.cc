// The fused norm backward (kernels/norm_backward.h) against its plain
// reference, against the composition it replaces (norm backward, then the
// residual add), and on 1 and 2 threads. The norm's gradients themselves are
// checked against finite differences in tests/layers/layer_norm_test.cc.
#include "kernels/norm_backward.h"

#include <vector>

#include "../test_util.h"
#include "core/threads.h"

namespace tandem {
namespace {

struct Case {
  int rows, cols;
};
// One row, odd widths, and one large enough to run in parallel.
const Case kCases[] = {{1, 1}, {1, 37}, {7, 5}, {13, 65}, {300, 257}};

struct Inputs {
  Matrix dy, xhat, residual, gamma;
  Eigen::VectorXf rstd;
};

Inputs inputs(const Case& c, uint64_t seed) {
  Inputs in{test::random_matrix(c.rows, c.cols, seed), test::random_matrix(c.rows, c.cols, seed + 1),
            test::random_matrix(c.rows, c.cols, seed + 2), test::random_matrix(1, c.cols, seed + 3),
            Eigen::VectorXf(c.rows)};
  const Matrix r = test::random_matrix(c.rows, 1, seed + 4);
  for (int i = 0; i < c.rows; ++i) in.rstd(i) = 0.5f + std::abs(r(i, 0));
  return in;
}

TEST(NormBackward, MatchesReference) {
  for (bool rms : {false, true})
    for (bool with_residual : {false, true})
      for (const Case& c : kCases) {
        const Inputs in = inputs(c, 20);
        const NormBackwardArgs args{in.dy, in.xhat, in.rstd, in.gamma.data(), rms,
                                    with_residual ? &in.residual : nullptr};
        Matrix dx, dx_ref;
        Matrix dgamma = test::random_matrix(1, c.cols, 30), dgamma_ref = dgamma;  // accumulate
        Matrix dbeta = test::random_matrix(1, c.cols, 31), dbeta_ref = dbeta;
        norm_backward(args, dx, dgamma.data(), rms ? nullptr : dbeta.data());
        norm_backward_ref(args, dx_ref, dgamma_ref.data(), rms ? nullptr : dbeta_ref.data());
        const std::string what = std::string(rms ? "rms " : "ln ") + (with_residual ? "+res " : "") +
                                 std::to_string(c.rows) + "x" + std::to_string(c.cols) + ": ";
        test::expect_close(dx, dx_ref, 1e-5, 1e-5, what + "dx");
        test::expect_close(dgamma, dgamma_ref, 1e-4, 1e-5, what + "dgamma");
        test::expect_close(dbeta, dbeta_ref, rms ? 0 : 1e-4, 1e-5, what + (rms ? "dbeta untouched" : "dbeta"));
      }
}

// The fused residual add equals the norm's gradient plus the residual's, and
// the residual may be the output itself.
TEST(NormBackward, ResidualIsAddedInThePass) {
  const Inputs in = inputs({40, 33}, 40);
  Matrix plain, fused, in_place = in.residual;
  Matrix dgamma = Matrix::Zero(1, 33), dbeta = Matrix::Zero(1, 33);
  norm_backward({in.dy, in.xhat, in.rstd, in.gamma.data(), false, nullptr}, plain, dgamma.data(), dbeta.data());
  norm_backward({in.dy, in.xhat, in.rstd, in.gamma.data(), false, &in.residual}, fused, dgamma.data(), dbeta.data());
  norm_backward({in.dy, in.xhat, in.rstd, in.gamma.data(), false, &in_place}, in_place, dgamma.data(), dbeta.data());
  const Matrix expected = plain + in.residual;
  test::expect_close(fused, expected, 1e-6, 1e-6, "norm + residual");
  test::expect_close(in_place, expected, 1e-6, 1e-6, "in place");
}

// Rows split across threads, each column summed by one thread: bit-identical
// results on 1 and 2 threads.
TEST(NormBackward, SameOnOneAndTwoThreads) {
  const int before = num_threads();
  const Inputs in = inputs({300, 257}, 50);
  Matrix dx[2], dgamma[2], dbeta[2];
  for (int t = 0; t < 2; ++t) {
    set_threads(t + 1);
    dgamma[t] = Matrix::Zero(1, 257);
    dbeta[t] = Matrix::Zero(1, 257);
    norm_backward({in.dy, in.xhat, in.rstd, in.gamma.data(), false, &in.residual}, dx[t], dgamma[t].data(),
                  dbeta[t].data());
  }
  set_threads(before);
  test::expect_close(dx[1], dx[0], 0, 0, "dx");
  test::expect_close(dgamma[1], dgamma[0], 0, 0, "dgamma");
  test::expect_close(dbeta[1], dbeta[0], 0, 0, "dbeta");
}

}  // namespace
}  // namespace tandem
