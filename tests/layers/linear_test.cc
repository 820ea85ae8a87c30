#include "layers/linear.h"

#include "../test_util.h"

namespace tandem {
namespace {

TEST(Linear, GradientsMatchFiniteDifferences) {
  Rng rng(3);
  Linear layer(6, 5);
  layer.init(rng);
  ParamList params;
  layer.collect("", params);
  params[1].param->value = test::random_matrix(1, 5, 9);  // non-zero bias
  Matrix x = test::random_matrix(4, 6, 1);
  const Matrix r = test::random_matrix(4, 5, 2);
  auto loss = [&] {
    Matrix y;
    layer.forward(x, y);
    return test::project(y, r);
  };
  Matrix y, dx;
  layer.forward(x, y);
  layer.backward(x, r, &dx);
  test::check_gradient(x, dx, loss, "dx");
  for (auto& p : params) test::check_gradient(p.param->value, p.param->grad, loss, p.name);
}

TEST(Linear, ComputesXWTransposePlusBias) {
  Linear layer(2, 3);
  ParamList params;
  layer.collect("", params);
  params[0].param->value << 1, 2, 3, 4, 5, 6;
  params[1].param->value << 10, 20, 30;
  Matrix x(1, 2), y;
  x << 1, -1;
  layer.forward(x, y);
  Matrix expected(1, 3);
  expected << 9, 19, 29;
  test::expect_close(y, expected, 0, 0, "y");
}

}  // namespace
}  // namespace tandem
