#include "layers/feed_forward.h"

#include "../test_util.h"

namespace tandem {
namespace {

class FeedForwardTest : public ::testing::TestWithParam<Activation> {};

TEST_P(FeedForwardTest, GradientsMatchFiniteDifferences) {
  Rng rng(7);
  FeedForward ffn(6, 10, GetParam());
  ffn.init(rng);
  ParamList params;
  ffn.collect("", params);
  for (auto& p : params)
    if (p.param->is_vector) p.param->value = test::random_matrix(1, p.param->value.cols(), 9, 0.3f);
  Matrix x = test::random_matrix(4, 6, 1);
  const Matrix r = test::random_matrix(4, 6, 2);
  auto loss = [&] {
    Matrix y;
    ffn.forward(x, y, nullptr);
    return test::project(y, r);
  };
  FeedForward::Saved saved;
  Matrix y, dx;
  ffn.forward(x, y, &saved);
  ffn.backward(r, saved, dx);
  // Small steps: ReLU's kink must not fall between x-eps and x+eps.
  test::check_gradient(x, dx, loss, "dx", 1e-3f, 5e-3, 2e-2);
  for (auto& p : params)
    test::check_gradient(p.param->value, p.param->grad, loss, p.name, 1e-3f, 5e-3, 2e-2);
}

INSTANTIATE_TEST_SUITE_P(Activations, FeedForwardTest,
                         ::testing::Values(Activation::Relu, Activation::Gelu),
                         [](const auto& info) {
                           return std::string(info.param == Activation::Relu ? "relu" : "gelu");
                         });

TEST(FeedForward, GeluIsTheErfForm) {
  FeedForward ffn(1, 1, Activation::Gelu);
  ParamList params;
  ffn.collect("", params);
  for (auto& p : params) p.param->value.setConstant(p.param->is_vector ? 0.f : 1.f);
  Matrix x(1, 1), y;
  x << 1.f;
  ffn.forward(x, y, nullptr);
  EXPECT_NEAR(y(0, 0), 0.8413447, 1e-6);  // 1 * Phi(1)
}

}  // namespace
}  // namespace tandem
