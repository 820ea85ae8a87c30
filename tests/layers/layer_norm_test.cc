#include "layers/layer_norm.h"

#include "../test_util.h"

namespace tandem {
namespace {

TEST(LayerNorm, GradientsMatchFiniteDifferences) {
  LayerNorm ln(8);
  ParamList params;
  ln.collect("", params);
  params[0].param->value = test::random_matrix(1, 8, 5);
  params[1].param->value = test::random_matrix(1, 8, 6);
  Matrix x = test::random_matrix(5, 8, 1, 2.f);
  const Matrix r = test::random_matrix(5, 8, 2);
  auto loss = [&] {
    Matrix y;
    ln.forward(x, y, nullptr);
    return test::project(y, r);
  };
  LayerNorm::Cache cache;
  Matrix y, dx;
  ln.forward(x, y, &cache);
  ln.backward(r, cache, dx);
  test::check_gradient(x, dx, loss, "dx", 1e-2f, 3e-3, 3e-2);
  for (auto& p : params) test::check_gradient(p.param->value, p.param->grad, loss, p.name);
}

TEST(LayerNorm, NormalizesRows) {
  LayerNorm ln(4);
  Matrix x(1, 4), y;
  x << 1, 2, 3, 4;
  ln.forward(x, y, nullptr);
  EXPECT_NEAR(y.mean(), 0.0, 1e-6);
  EXPECT_NEAR((y.array().square()).mean(), 1.0, 1e-4);  // biased variance with eps 1e-5
}

}  // namespace
}  // namespace tandem

namespace tandem {
namespace {

TEST(RmsNorm, GradientsMatchFiniteDifferencesAndHasNoBias) {
  LayerNorm norm(8, NormType::RmsNorm);
  ParamList params;
  norm.collect("n", params);
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].name, "n/weight");
  params[0].param->value = test::random_matrix(1, 8, 5);
  Matrix x = test::random_matrix(5, 8, 1, 2.f);
  const Matrix r = test::random_matrix(5, 8, 2);
  auto loss = [&] {
    Matrix y;
    norm.forward(x, y, nullptr);
    return test::project(y, r);
  };
  LayerNorm::Cache cache;
  Matrix y, dx;
  norm.forward(x, y, &cache);
  norm.backward(r, cache, dx);
  test::check_gradient(x, dx, loss, "dx", 1e-2f, 3e-3, 3e-2);
  test::check_gradient(params[0].param->value, params[0].param->grad, loss, "weight");
}

TEST(RmsNorm, KnownAnswer) {
  LayerNorm norm(2, NormType::RmsNorm, 0.f);
  Matrix x(1, 2), y;
  x << 3, 4;  // root mean square = sqrt(12.5)
  norm.forward(x, y, nullptr);
  EXPECT_NEAR(y(0, 0), 3 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y(0, 1), 4 / std::sqrt(12.5), 1e-6);
}

}  // namespace
}  // namespace tandem
