// Attention in its three modes, with padding on queries and keys: finite
// difference checks of inputs, memory and all projections, and the masks.
#include "layers/attention.h"

#include "../test_util.h"

namespace tandem {
namespace {

struct AttentionCase {
  AttentionKind kind;
  float dropout;
  const char* name;
};

class AttentionGradTest : public ::testing::TestWithParam<AttentionCase> {};

TEST_P(AttentionGradTest, GradientsMatchFiniteDifferences) {
  const auto c = GetParam();
  const int d = 8;
  Rng init_rng(11);
  MultiHeadAttention attn(c.kind, d, 2, c.dropout);
  attn.init(init_rng);
  ParamList params;
  attn.collect("", params);
  for (auto& p : params)
    if (p.param->is_vector) p.param->value = test::random_matrix(1, d, 13, 0.2f);

  const SeqShape qs{2, 5, {5, 3}};
  const SeqShape ks{2, 4, {2, 4}};
  const bool cross = c.kind == AttentionKind::Cross;
  Matrix x = test::random_matrix(qs.rows(), d, 1);
  Matrix memory = test::random_matrix(ks.rows(), d, 2);
  const Matrix r = test::random_matrix(qs.rows(), d, 3);

  auto run = [&](Matrix& y, MultiHeadAttention::Cache* cache) {
    Rng rng(99);  // same dropout masks on every call
    attn.forward(x, qs, cross ? &memory : nullptr, cross ? &ks : nullptr, y, cache,
                 c.dropout > 0 ? &rng : nullptr);
  };
  auto loss = [&] {
    Matrix y;
    run(y, nullptr);
    return test::project(y, r);
  };
  MultiHeadAttention::Cache cache;
  Matrix y, dx, dmemory = Matrix::Zero(ks.rows(), d);
  run(y, &cache);
  attn.backward(r, cache, qs, cross ? &ks : nullptr, dx, cross ? &dmemory : nullptr);

  test::check_gradient(x, dx, loss, "dx");
  if (cross) test::check_gradient(memory, dmemory, loss, "dmemory");
  for (auto& p : params) test::check_gradient(p.param->value, p.param->grad, loss, p.name);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, AttentionGradTest,
    ::testing::Values(AttentionCase{AttentionKind::Bidirectional, 0.f, "bidirectional"},
                      AttentionCase{AttentionKind::Causal, 0.f, "causal"},
                      AttentionCase{AttentionKind::Cross, 0.f, "cross"},
                      AttentionCase{AttentionKind::Causal, 0.2f, "causal_dropout"},
                      AttentionCase{AttentionKind::Cross, 0.2f, "cross_dropout"}),
    [](const auto& info) { return std::string(info.param.name); });

// Changing a masked key (padding, or a future position) must not change any output.
TEST(Attention, MasksPaddingAndFuture) {
  const int d = 8;
  Rng rng(1);
  for (auto kind : {AttentionKind::Bidirectional, AttentionKind::Causal}) {
    MultiHeadAttention attn(kind, d, 2, 0.f);
    attn.init(rng);
    const SeqShape s{1, 6, {4}};
    Matrix x = test::random_matrix(6, d, 2), y1, y2;
    attn.forward(x, s, nullptr, nullptr, y1, nullptr, nullptr);
    x.row(5) = test::random_matrix(1, d, 3);  // padding
    if (kind == AttentionKind::Causal) x.row(3) = test::random_matrix(1, d, 4);  // future of row 2
    attn.forward(x, s, nullptr, nullptr, y2, nullptr, nullptr);
    const int unaffected = kind == AttentionKind::Causal ? 3 : 4;
    test::expect_close(y2.topRows(unaffected), y1.topRows(unaffected), 1e-6, 1e-6, "masked");
  }
}

}  // namespace
}  // namespace tandem
