#include "layers/layer_norm.h"

#include "../test_util.h"

namespace tandem {
namespace {

// Input and every parameter (random, non-trivial values) against finite differences.
void check_norm_gradients(LayerNorm& norm) {
  ParamList params;
  norm.collect("", params);
  for (size_t i = 0; i < params.size(); ++i) params[i].param->value = test::random_matrix(1, 8, 5 + i);
  Matrix x = test::random_matrix(5, 8, 1, 2.f);
  const Matrix r = test::random_matrix(5, 8, 2);
  auto loss = [&] {
    Matrix y;
    norm.forward(x, y, nullptr);
    return test::project(y, r);
  };
  LayerNorm::Saved saved;
  Matrix y, dx;
  norm.forward(x, y, &saved);
  norm.backward(r, saved, dx);
  test::check_gradient(x, dx, loss, "dx", 1e-2f, 3e-3, 3e-2);
  for (auto& p : params) test::check_gradient(p.param->value, p.param->grad, loss, p.name);
}

TEST(LayerNorm, GradientsMatchFiniteDifferences) {
  LayerNorm ln(8);
  check_norm_gradients(ln);
}

TEST(LayerNorm, NormalizesRows) {
  LayerNorm ln(4);
  Matrix x(1, 4), y;
  x << 1, 2, 3, 4;
  ln.forward(x, y, nullptr);
  EXPECT_NEAR(y.mean(), 0.0, 1e-6);
  EXPECT_NEAR((y.array().square()).mean(), 1.0, 1e-4);  // biased variance with eps 1e-5
}

TEST(RmsNorm, GradientsMatchFiniteDifferencesAndHasNoBias) {
  LayerNorm norm(8, NormType::RmsNorm);
  ParamList params;
  norm.collect("n", params);
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].name, "n/weight");
  check_norm_gradients(norm);
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
