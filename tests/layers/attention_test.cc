// Attention in its three modes and every variant (grouped-query heads,
// sliding windows, rope, ALiBi, T5 relative bias), with padding on queries and
// keys: finite-difference checks of inputs, memory, projections and the bias
// table, for both the plain and the tiled implementation; and the masks.
#include "layers/attention.h"

#include "../test_util.h"

namespace tandem {
namespace {

enum class Bias { None, Alibi, Relative };

struct AttentionCase {
  const char* name;
  AttentionKind kind;
  float dropout = 0.f;
  int heads = 2, kv_heads = 0, window = 0;
  bool rope = false;
  Bias bias = Bias::None;
  AttentionImpl impl = AttentionImpl::Plain;
};

class AttentionGradTest : public ::testing::TestWithParam<AttentionCase> {
 protected:
  void TearDown() override { set_attention_impl(AttentionImpl::Auto); }
};

TEST_P(AttentionGradTest, GradientsMatchFiniteDifferences) {
  const auto c = GetParam();
  set_attention_impl(c.impl);
  const int d = 8;
  const bool cross = c.kind == AttentionKind::Cross;
  std::unique_ptr<PositionBias> bias;
  if (c.bias == Bias::Alibi)
    bias = std::make_unique<PositionBias>(PositionBiasKind::Alibi, c.heads, c.kind != AttentionKind::Causal);
  if (c.bias == Bias::Relative)
    bias = std::make_unique<PositionBias>(PositionBiasKind::Relative, c.heads,
                                          c.kind != AttentionKind::Causal, 8, 12);
  AttentionOptions o;
  o.kind = c.kind;
  o.d_model = d;
  o.heads = c.heads;
  o.kv_heads = c.kv_heads;
  o.dropout = c.dropout;
  o.window = c.window;
  o.rope = c.rope;
  Rng init_rng(11);
  MultiHeadAttention attn(o, bias.get());
  attn.init(init_rng);
  if (bias) bias->init(init_rng);
  ParamList params;
  attn.collect("", params);
  if (bias) bias->collect("", params);
  for (auto& p : params)
    if (p.param->is_vector) p.param->value = test::random_matrix(1, p.param->value.cols(), 13, 0.2f);

  const SeqShape qs{2, 5, {5, 3}};
  const SeqShape ks{2, 4, {2, 4}};
  Matrix x = test::random_matrix(qs.rows(), d, 1);
  Matrix memory = test::random_matrix(ks.rows(), d, 2);
  const Matrix r = test::random_matrix(qs.rows(), d, 3);

  auto run = [&](Matrix& y, MultiHeadAttention::Saved* saved) {
    Rng rng(99);  // same dropout masks on every call
    attn.forward(cross ? AttentionInputs::cross(x, qs, memory, ks) : AttentionInputs::self(x, qs), y, saved,
                 c.dropout > 0 ? &rng : nullptr);
  };
  auto loss = [&] {
    Matrix y;
    run(y, nullptr);
    return test::project(y, r);
  };
  MultiHeadAttention::Saved saved;
  Matrix y, dx, dmemory = Matrix::Zero(ks.rows(), d);
  run(y, &saved);
  EXPECT_EQ(saved.tiled, c.impl == AttentionImpl::Tiled && c.dropout == 0.f);
  attn.backward(r, saved, qs, cross ? &ks : nullptr, dx, cross ? &dmemory : nullptr);

  test::check_gradient(x, dx, loss, "dx");
  if (cross) test::check_gradient(memory, dmemory, loss, "dmemory");
  for (auto& p : params) test::check_gradient(p.param->value, p.param->grad, loss, p.name);
}

using K = AttentionKind;
using I = AttentionImpl;
INSTANTIATE_TEST_SUITE_P(
    Variants, AttentionGradTest,
    ::testing::Values(
        AttentionCase{"bidirectional", K::Bidirectional},
        AttentionCase{"causal", K::Causal},
        AttentionCase{"cross", K::Cross},
        AttentionCase{"causal_dropout", K::Causal, 0.2f},
        AttentionCase{"cross_dropout", K::Cross, 0.2f},
        AttentionCase{"bidirectional_tiled", K::Bidirectional, 0.f, 2, 0, 0, false, Bias::None, I::Tiled},
        AttentionCase{"cross_tiled", K::Cross, 0.f, 2, 0, 0, false, Bias::None, I::Tiled},
        AttentionCase{"causal_gqa_kv1", K::Causal, 0.f, 2, 1},
        AttentionCase{"bidirectional_gqa_4h_kv2_tiled", K::Bidirectional, 0.f, 4, 2, 0, false, Bias::None, I::Tiled},
        AttentionCase{"cross_gqa_kv1", K::Cross, 0.f, 2, 1},
        AttentionCase{"causal_window2", K::Causal, 0.f, 2, 0, 2},
        AttentionCase{"bidirectional_window2_tiled", K::Bidirectional, 0.f, 2, 0, 2, false, Bias::None, I::Tiled},
        AttentionCase{"causal_rope", K::Causal, 0.f, 2, 0, 0, true},
        AttentionCase{"bidirectional_rope_tiled", K::Bidirectional, 0.f, 2, 0, 0, true, Bias::None, I::Tiled},
        AttentionCase{"causal_alibi", K::Causal, 0.f, 2, 0, 0, false, Bias::Alibi},
        AttentionCase{"bidirectional_alibi", K::Bidirectional, 0.f, 2, 0, 0, false, Bias::Alibi},
        AttentionCase{"causal_relative", K::Causal, 0.f, 2, 0, 0, false, Bias::Relative},
        AttentionCase{"bidirectional_relative_tiled", K::Bidirectional, 0.f, 2, 0, 0, false, Bias::Relative, I::Tiled},
        AttentionCase{"causal_all_variants_tiled", K::Causal, 0.f, 2, 1, 3, true, Bias::Relative, I::Tiled}),
    [](const auto& info) { return std::string(info.param.name); });

AttentionOptions self_options(AttentionKind kind, int d, int heads, int window = 0) {
  AttentionOptions o;
  o.kind = kind;
  o.d_model = d;
  o.heads = heads;
  o.window = window;
  return o;
}

// Changing a masked key (padding, or a future position) must not change any output.
TEST(Attention, MasksPaddingAndFuture) {
  const int d = 8;
  Rng rng(1);
  for (auto kind : {AttentionKind::Bidirectional, AttentionKind::Causal}) {
    MultiHeadAttention attn(self_options(kind, d, 2));
    attn.init(rng);
    const SeqShape s{1, 6, {4}};
    Matrix x = test::random_matrix(6, d, 2), y1, y2;
    attn.forward(AttentionInputs::self(x, s), y1, nullptr, nullptr);
    x.row(5) = test::random_matrix(1, d, 3);  // padding
    if (kind == AttentionKind::Causal) x.row(3) = test::random_matrix(1, d, 4);  // future of row 2
    attn.forward(AttentionInputs::self(x, s), y2, nullptr, nullptr);
    const int unaffected = kind == AttentionKind::Causal ? 3 : 4;
    test::expect_close(y2.topRows(unaffected), y1.topRows(unaffected), 1e-6, 1e-6, "masked");
  }
}

// A key outside the window changes nothing; one inside does.
TEST(Attention, SlidingWindowLimitsKeys) {
  const int d = 8;
  Rng rng(2);
  for (auto kind : {AttentionKind::Bidirectional, AttentionKind::Causal}) {
    MultiHeadAttention attn(self_options(kind, d, 2, 2));  // |i - j| < 2
    attn.init(rng);
    const SeqShape s{1, 6, {6}};
    Matrix x = test::random_matrix(6, d, 2), y1, y2;
    attn.forward(AttentionInputs::self(x, s), y1, nullptr, nullptr);
    x.row(0) = test::random_matrix(1, d, 3);
    attn.forward(AttentionInputs::self(x, s), y2, nullptr, nullptr);
    // Row 2 sees rows 1..3 (bidirectional) or 1..2 (causal): never row 0.
    test::expect_close(y2.bottomRows(4), y1.bottomRows(4), 1e-6, 1e-6, "outside the window");
    EXPECT_GT((y2.row(1) - y1.row(1)).norm(), 1e-4) << "row 1 sees row 0";
  }
}

TEST(PositionBias, AlibiSlopesFollowThePaper) {
  const auto s8 = alibi_slopes(8);
  EXPECT_FLOAT_EQ(s8[0], 0.5f);
  EXPECT_FLOAT_EQ(s8[7], 1.f / 256);
  // 6 heads: the 4-head slopes, then every other slope of 8 heads.
  const auto s6 = alibi_slopes(6);
  const auto s4 = alibi_slopes(4);
  ASSERT_EQ(s6.size(), 6u);
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(s6[i], s4[i]);
  EXPECT_FLOAT_EQ(s6[4], s8[0]);
  EXPECT_FLOAT_EQ(s6[5], s8[2]);
}

TEST(PositionBias, T5BucketsKnownAnswers) {
  // 32 bidirectional buckets, max distance 128: 8 exact distances per side.
  EXPECT_EQ(relative_bucket(0, true, 32, 128), 0);
  EXPECT_EQ(relative_bucket(-7, true, 32, 128), 7);
  EXPECT_EQ(relative_bucket(7, true, 32, 128), 23);
  EXPECT_EQ(relative_bucket(-8, true, 32, 128), 8);
  EXPECT_EQ(relative_bucket(-127, true, 32, 128), 15);
  EXPECT_EQ(relative_bucket(-1000, true, 32, 128), 15);
  EXPECT_EQ(relative_bucket(1000, true, 32, 128), 31);
  // Unidirectional: the future collapses onto bucket 0.
  EXPECT_EQ(relative_bucket(5, false, 32, 128), 0);
  EXPECT_EQ(relative_bucket(-15, false, 32, 128), 15);
  EXPECT_EQ(relative_bucket(-16, false, 32, 128), 16);
  EXPECT_EQ(relative_bucket(-1000, false, 32, 128), 31);
}

}  // namespace
}  // namespace tandem
