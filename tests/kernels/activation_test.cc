#include "kernels/activation.h"

#include "../test_util.h"
#include "core/threads.h"

namespace tandem {
namespace {

struct Shape {
  int rows, cols;
};
// Odd sizes, one row, one column, and one large enough to run in parallel.
const Shape kShapes[] = {{1, 1}, {1, 37}, {7, 1}, {13, 65}, {300, 257}};

TEST(BiasActivation, MatchesReferenceWithAndWithoutBias) {
  for (Activation act : {Activation::Relu, Activation::Gelu})
    for (const Shape& s : kShapes)
      for (bool with_bias : {true, false}) {
        const Matrix bias = test::random_matrix(1, s.cols, 5);
        Matrix pre = test::random_matrix(s.rows, s.cols, 7, 2.f), pre_ref = pre;
        Matrix out(s.rows, s.cols), out_ref(s.rows, s.cols);
        bias_activation(pre, with_bias ? bias.data() : nullptr, act, out);
        bias_activation_ref(pre_ref, with_bias ? bias.data() : nullptr, act, out_ref);
        test::expect_close(pre, pre_ref, 1e-6, 1e-6, "pre + bias");
        test::expect_close(out, out_ref, 1e-6, 1e-6, "act(pre + bias)");
      }
}

// The composition of the plain operations the fused kernel replaces.
TEST(BiasActivation, EqualsBiasThenActivation) {
  const Matrix x = test::random_matrix(9, 11, 3, 2.f), bias = test::random_matrix(1, 11, 4);
  Matrix pre = x, out(9, 11);
  bias_activation(pre, bias.data(), Activation::Relu, out);
  const Matrix expected = (x.rowwise() + bias.row(0)).cwiseMax(0.f);
  test::expect_close(out, expected, 0, 0, "relu(x + b)");
}

TEST(ActivationBiasBackward, MatchesReferenceAndFiniteDifferences) {
  for (Activation act : {Activation::Relu, Activation::Gelu})
    for (const Shape& s : kShapes) {
      const Matrix pre = test::random_matrix(s.rows, s.cols, 9, 2.f);
      Matrix grad = test::random_matrix(s.rows, s.cols, 10), grad_ref = grad;
      Matrix dbias = test::random_matrix(1, s.cols, 11), dbias_ref = dbias;  // accumulates
      activation_bias_backward(pre, grad, act, dbias.data());
      activation_bias_backward_ref(pre, grad_ref, act, dbias_ref.data());
      test::expect_close(grad, grad_ref, 1e-6, 1e-6, "grad * act'(pre)");
      test::expect_close(dbias, dbias_ref, 1e-4, 1e-5, "dbias += column sums");
    }
  // The slope against a central difference of the value (away from relu's kink).
  for (Activation act : {Activation::Relu, Activation::Gelu})
    for (float x : {-2.3f, -0.4f, 0.3f, 1.7f}) {
      const float h = 1e-3f;
      const double numeric =
          (static_cast<double>(activation_value(act, x + h)) - activation_value(act, x - h)) / (2 * h);
      EXPECT_NEAR(activation_slope(act, x), numeric, 2e-3) << "x " << x;
    }
}

// Column sums are taken top to bottom by one thread per column block: the
// bias gradient is bit-identical on 1 and 2 threads.
TEST(ActivationBiasBackward, SameOnOneAndTwoThreads) {
  const int before = num_threads();
  const Matrix pre = test::random_matrix(300, 257, 12);
  Matrix grads[2], dbias[2];
  for (int t = 0; t < 2; ++t) {
    set_threads(t + 1);
    grads[t] = test::random_matrix(300, 257, 13);
    dbias[t] = Matrix::Zero(1, 257);
    activation_bias_backward(pre, grads[t], Activation::Gelu, dbias[t].data());
  }
  set_threads(before);
  test::expect_close(grads[1], grads[0], 0, 0, "grad");
  test::expect_close(dbias[1], dbias[0], 0, 0, "dbias");
}

}  // namespace
}  // namespace tandem
