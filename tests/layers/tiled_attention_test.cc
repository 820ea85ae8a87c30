// The tiled (flash-style) attention equals the plain reference to 1e-5, forward
// and backward, at lengths that are and are not multiples of the tile, with
// padding, causal and not, with windows, GQA and position biases.
#include "layers/attention.h"

#include "../test_util.h"

namespace tandem {
namespace {

struct Outputs {
  Matrix y, dx, dmemory;
  std::vector<Matrix> grads;
};

struct TiledCase {
  AttentionKind kind;
  int lq, lk;  // padded lengths; the second sentence is shorter
  int kv_heads = 0, window = 0;
  bool rope = false;
  bool relative = false;
};

Outputs run(const TiledCase& c, AttentionImpl impl) {
  set_attention_impl(impl);
  const int d = 16, heads = 4;
  const bool cross = c.kind == AttentionKind::Cross;
  std::unique_ptr<PositionBias> bias;
  if (c.relative)
    bias = std::make_unique<PositionBias>(PositionBiasKind::Relative, heads,
                                          c.kind != AttentionKind::Causal, 16, 64);
  AttentionOptions o;
  o.kind = c.kind;
  o.d_model = d;
  o.heads = heads;
  o.kv_heads = c.kv_heads;
  o.window = c.window;
  o.rope = c.rope;
  MultiHeadAttention attn(o, bias.get());
  Rng rng(3);
  attn.init(rng);
  if (bias) bias->init(rng);
  ParamList params;
  attn.collect("", params);
  if (bias) bias->collect("", params);

  const int lk = cross ? c.lk : c.lq;
  const SeqShape qs{2, c.lq, {c.lq, std::max(1, c.lq / 2)}};
  const SeqShape ks{2, lk, {std::max(1, lk - 3), lk}};
  const Matrix x = test::random_matrix(qs.rows(), d, 1, 2.f);
  const Matrix memory = test::random_matrix(ks.rows(), d, 2, 2.f);
  const Matrix r = test::random_matrix(qs.rows(), d, 4);
  Outputs out;
  MultiHeadAttention::Saved saved;
  attn.forward(cross ? AttentionInputs::cross(x, qs, memory, ks) : AttentionInputs::self(x, qs), out.y, &saved, nullptr);
  EXPECT_EQ(saved.tiled, impl == AttentionImpl::Tiled);
  out.dmemory = Matrix::Zero(ks.rows(), d);
  attn.backward(r, saved, qs, cross ? &ks : nullptr, out.dx, cross ? &out.dmemory : nullptr);
  for (auto& p : params) out.grads.push_back(p.param->grad);
  set_attention_impl(AttentionImpl::Auto);
  return out;
}

class TiledAttentionTest : public ::testing::TestWithParam<TiledCase> {};

TEST_P(TiledAttentionTest, EqualsPlainForwardAndBackward) {
  const Outputs plain = run(GetParam(), AttentionImpl::Plain);
  const Outputs tiled = run(GetParam(), AttentionImpl::Tiled);
  test::expect_close(tiled.y, plain.y, 1e-5, 1e-5, "output");
  test::expect_close(tiled.dx, plain.dx, 1e-5, 1e-5, "dx");
  test::expect_close(tiled.dmemory, plain.dmemory, 1e-5, 1e-5, "dmemory");
  // Parameter gradients sum float32 products over ~300 rows, so they are held
  // to 1e-4 of their largest entry (absolute below 1: the k_proj bias gradient
  // is exactly 0 and only noise); the kernel itself is held to 1e-5 below.
  ASSERT_EQ(tiled.grads.size(), plain.grads.size());
  for (size_t i = 0; i < plain.grads.size(); ++i) {
    const double scale = std::max(1.f, plain.grads[i].cwiseAbs().maxCoeff());  // k bias: exact 0
    EXPECT_LE((tiled.grads[i] - plain.grads[i]).cwiseAbs().maxCoeff() / scale, 1e-4)
        << "param " << i;
  }
}

// The kernels alone, one head: out, dq, dk, dv and the bias gradient to 1e-5.
TEST(TiledAttentionKernel, EqualsPlainOnOneHead) {
  for (const auto& [lq, lk, causal, window] :
       {std::tuple{1, 1, false, 0}, {64, 64, true, 0}, {65, 65, false, 0}, {130, 130, true, 0},
        {100, 100, false, 30}, {129, 129, true, 17}, {40, 200, false, 0}}) {
    const int dh = 8;
    const Matrix q = test::random_matrix(lq, dh, 1), k = test::random_matrix(lk, dh, 2);
    const Matrix v = test::random_matrix(lk, dh, 3), dout = test::random_matrix(lq, dh, 4);
    const bool self = lq == lk;
    std::vector<float> bias(lq + lk - 1);
    for (size_t i = 0; i < bias.size(); ++i) bias[i] = 0.3f * std::sin(0.1f * i);
    HeadGeometry g;
    g.scale = 0.35f;
    g.causal = causal;
    g.window = window;
    g.key_length = lk - 2 > 0 ? lk - 2 : lk;  // padded keys
    if (self) {
      g.bias = bias.data();
      g.min_delta = -(lq - 1);
    }
    // Plain: probabilities, output, then the gradients.
    Matrix p, out_plain(lq, dh);
    attention_probs_plain(q, k, g, p);
    out_plain = p * v;
    const Matrix dv_plain = p.transpose() * dout;
    Matrix ds = dout * v.transpose();
    std::vector<float> dbias_plain(bias.size()), dbias_tiled(bias.size());
    attention_probs_backward(p, ds, g, self ? dbias_plain.data() : nullptr);
    const Matrix dq_plain = g.scale * ds * k, dk_plain = g.scale * ds.transpose() * q;

    Matrix out(lq, dh), dq(lq, dh), dk = Matrix::Zero(lk, dh), dv = Matrix::Zero(lk, dh);
    std::vector<float> lse(lq);
    attention_tiled_forward(q, k, v, g, out, lse.data());
    attention_tiled_backward(q, k, v, out, dout, lse.data(), g, dq, dk, dv,
                             self ? dbias_tiled.data() : nullptr);
    const std::string at = std::to_string(lq) + "x" + std::to_string(lk);
    test::expect_close(out, out_plain, 1e-5, 1e-5, "out " + at);
    test::expect_close(dq, dq_plain, 1e-5, 1e-5, "dq " + at);
    test::expect_close(dk, dk_plain, 1e-5, 1e-5, "dk " + at);
    test::expect_close(dv, dv_plain, 1e-5, 1e-5, "dv " + at);
    for (size_t i = 0; i < bias.size(); ++i)
      EXPECT_NEAR(dbias_tiled[i], dbias_plain[i], 1e-5) << "dbias " << at << " delta " << i;
  }
}

using K = AttentionKind;
INSTANTIATE_TEST_SUITE_P(
    Lengths, TiledAttentionTest,
    ::testing::Values(TiledCase{K::Bidirectional, 1, 1}, TiledCase{K::Bidirectional, 64, 64},
                      TiledCase{K::Bidirectional, 65, 65}, TiledCase{K::Causal, 63, 63},
                      TiledCase{K::Causal, 130, 130}, TiledCase{K::Cross, 70, 129},
                      TiledCase{K::Cross, 5, 200}, TiledCase{K::Causal, 150, 150, 2, 40},
                      TiledCase{K::Bidirectional, 140, 140, 1, 70, true},
                      TiledCase{K::Causal, 100, 100, 0, 0, true, true},
                      TiledCase{K::Bidirectional, 129, 129, 0, 0, false, true}));

}  // namespace
}  // namespace tandem
