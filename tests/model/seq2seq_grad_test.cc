// Whole-model finite-difference check: label-smoothed loss of a tiny
// encoder-decoder w.r.t. every parameter tensor (sampled entries), for pre- and
// post-norm, each embedding tying, relu and gelu, and with dropout on.
#include "model/seq2seq.h"

#include <gtest/gtest-spi.h>

#include "../test_util.h"
#include "tiny_model.h"
#include "kernels/cross_entropy.h"

namespace tandem {
namespace {

struct ModelCase {
  NormPlacement norm;
  TieEmbeddings tie;
  Activation act;
  float dropout;
  const char* name;
};

// Builds the model, gives norms and biases non-trivial values (so their
// gradients are exercised), and checks sampled entries of every parameter's
// gradient of the mean label-smoothed loss against central differences.
// With dropout on, every loss evaluation replays the same masks.
void check_every_parameter(const ModelConfig& config) {
  Seq2Seq model(config);
  model.init(5);
  for (const auto& p : model.params())
    if (p.param->is_vector) p.param->value.array() += test::random_matrix(1, p.param->value.cols(), 3, 0.1f).array();
  const Batch batch = test::tiny_batch();
  const bool train = config.dropout > 0 || config.attention_dropout > 0;
  auto run = [&](Matrix& logits, Seq2Seq::Saved* saved) {
    Rng rng(42);
    model.forward(batch, logits, saved, train ? &rng : nullptr);
  };
  auto loss = [&] {
    Matrix logits;
    run(logits, nullptr);
    const auto s = label_smoothed_cross_entropy(logits, batch.tgt_out, 0, 0.1f, nullptr);
    return s.loss_sum / s.tokens;
  };
  Seq2Seq::Saved saved;
  Matrix logits, dlogits;
  run(logits, &saved);
  const auto stats = label_smoothed_cross_entropy(logits, batch.tgt_out, 0, 0.1f, &dlogits);
  dlogits /= static_cast<float>(stats.tokens);
  model.zero_grad();
  model.backward(batch, dlogits, saved);
  for (const auto& p : model.params())
    test::check_gradient(p.param->value, p.param->grad, loss, p.name, 2e-3f, 1e-3, 3e-2, 12);
}

class Seq2SeqGradTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(Seq2SeqGradTest, EveryParameterMatchesFiniteDifferences) {
  const auto mc = GetParam();
  ModelConfig config = test::tiny_config(mc.norm, mc.tie, mc.act);
  config.dropout = config.attention_dropout = mc.dropout;
  check_every_parameter(config);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, Seq2SeqGradTest,
    ::testing::Values(
        ModelCase{NormPlacement::Pre, TieEmbeddings::None, Activation::Relu, 0.f, "pre_untied_relu"},
        ModelCase{NormPlacement::Post, TieEmbeddings::None, Activation::Relu, 0.f, "post_untied_relu"},
        ModelCase{NormPlacement::Pre, TieEmbeddings::Decoder, Activation::Gelu, 0.f, "pre_tie_decoder_gelu"},
        ModelCase{NormPlacement::Post, TieEmbeddings::All, Activation::Gelu, 0.f, "post_tie_all_gelu"},
        ModelCase{NormPlacement::Pre, TieEmbeddings::All, Activation::Gelu, 0.1f, "pre_tie_all_dropout"}),
    [](const auto& info) { return std::string(info.param.name); });

// Every model variant (positions, GQA, windows, T5/BART styles): all
// parameters, including position tables and biases, against finite differences.
class VariantGradTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VariantGradTest, EveryParameterMatchesFiniteDifferences) {
  check_every_parameter(test::tiny_variant(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Variants, VariantGradTest, ::testing::ValuesIn(test::tiny_variant_names()),
                         [](const auto& info) { return info.param; });

// The checker itself: zero, halved and 35%-short gradients of gradient-sized
// values fail (the last passes entry by entry and only the total catches it);
// the right one passes.
TEST(GradientCheck, WrongGradientsFail) {
  Matrix x = test::random_matrix(4, 6, 9, 0.004f);
  auto loss = [&] { return 0.5 * static_cast<double>(x.squaredNorm()); };  // gradient = x
  auto failures_of = [&](const Matrix& gradient) {
    ::testing::TestPartResultArray results;
    {
      ::testing::ScopedFakeTestPartResultReporter reporter(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
      test::check_gradient(x, gradient, loss, "x", 1e-3f, 1e-3, 3e-2, 24);
    }
    return results.size();
  };
  EXPECT_GT(failures_of(Matrix::Zero(4, 6)), 0);
  EXPECT_GT(failures_of(0.5f * x), 0);
  EXPECT_EQ(failures_of(x), 0);
  x.setConstant(0.003f);
  EXPECT_GT(failures_of(0.65f * x), 0) << "each entry within atol, the total 35% short";
  EXPECT_EQ(failures_of(x), 0);
}

TEST(Seq2Seq, VariantsHaveTheirParameters) {
  auto names = [](const std::string& variant) {
    Seq2Seq m(test::tiny_variant(variant));
    std::string all;
    for (const auto& p : m.params()) all += p.name + " ";
    return all;
  };
  EXPECT_NE(names("learned").find("encoder/embed_positions/weight"), std::string::npos);
  EXPECT_NE(names("relative").find("decoder/relative_attention_bias/weight"), std::string::npos);
  EXPECT_NE(names("bart").find("encoder/layernorm_embedding/weight"), std::string::npos);
  EXPECT_EQ(names("t5").find("layer_norm/bias"), std::string::npos) << "RMS norm has no bias";
  EXPECT_EQ(names("rope").find("embed_positions"), std::string::npos);
  Seq2Seq gqa(test::tiny_variant("gqa_kv1"));
  bool found = false;
  for (const auto& p : gqa.params()) {
    if (p.name == "decoder/layers/0/self_attn/k_proj/weight") {
      found = true;
      EXPECT_EQ(p.param->value.rows(), 8);  // one kv head of 8 dims
    }
  }
  EXPECT_TRUE(found) << "the k projection is listed under its documented name";
}

TEST(Seq2Seq, TyingSharesOneTensor) {
  auto count = [](TieEmbeddings tie) {
    Seq2Seq m(test::tiny_config(NormPlacement::Pre, tie, Activation::Relu));
    int embeddings = 0;
    for (const auto& p : m.params())
      if (p.name.find("embed_tokens") != std::string::npos ||
          p.name.find("output_projection") != std::string::npos)
        ++embeddings;
    return std::make_pair(embeddings, static_cast<int>(m.aliases().size()));
  };
  EXPECT_EQ(count(TieEmbeddings::None), std::make_pair(3, 0));
  EXPECT_EQ(count(TieEmbeddings::Decoder), std::make_pair(2, 1));
  EXPECT_EQ(count(TieEmbeddings::All), std::make_pair(1, 2));
}

}  // namespace
}  // namespace tandem
