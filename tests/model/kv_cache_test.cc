// KV-cache parity: logits from incremental decoding (one step at a time, with
// beam-style reorders in between) equal the full-sequence forward pass to 1e-5.
#include "../test_util.h"
#include "tiny_model.h"

namespace tandem {
namespace {

class KvCacheTest : public ::testing::TestWithParam<NormPlacement> {};

// Decodes the batch's targets one step at a time (a no-op reorder after step
// 2 must keep the caches intact) and compares every real position's logits
// with the full forward pass. Returns the final decoding state.
DecoderState expect_incremental_equals_full(const Seq2Seq& model, const Batch& batch,
                                            const std::string& what) {
  Matrix full;
  model.forward(batch, full, nullptr, nullptr);
  Matrix memory, logits;
  model.encode(batch.src, batch.src_shape, memory);
  DecoderState state;
  model.start_decoding(memory, batch.src_shape, batch.tgt_shape.len, state);
  const int n = batch.tgt_shape.batch, len = batch.tgt_shape.len;
  std::vector<int> identity(n);
  for (int b = 0; b < n; ++b) identity[b] = b;
  for (int t = 0; t < len; ++t) {
    Ids tokens(n);
    for (int b = 0; b < n; ++b) tokens[b] = batch.tgt_in[b * len + t];
    model.decode_step(tokens, state, logits);
    if (t == 2) Decoder::reorder(state, identity);
    for (int b = 0; b < n; ++b) {
      if (t >= batch.tgt_shape.lengths[b]) continue;  // padding: not a real position
      test::expect_close(logits.row(b), full.row(b * len + t), 1e-5, 1e-5,
                         what + " sentence " + std::to_string(b) + " step " + std::to_string(t));
    }
  }
  return state;
}

TEST_P(KvCacheTest, IncrementalEqualsFullForward) {
  Seq2Seq model(test::tiny_config(GetParam(), TieEmbeddings::Decoder, Activation::Gelu));
  model.init(4);
  expect_incremental_equals_full(model, test::tiny_batch(), "");  // padded on both sides
}

TEST_P(KvCacheTest, ReorderFollowsParents) {
  Seq2Seq model(test::tiny_config(GetParam(), TieEmbeddings::None, Activation::Relu));
  model.init(6);
  const Batch batch = test::tiny_batch();
  Matrix memory, logits;
  model.encode(batch.src, batch.src_shape, memory);
  // Rows: sentence 1 twice, then sentence 0 (as beams of different sentences would be).
  DecoderState state;
  model.start_decoding(memory, batch.src_shape, 8, state);
  model.decode_step({1, 1}, state, logits);
  Decoder::reorder(state, {1, 1, 0});
  model.decode_step({5, 7, 5}, state, logits);
  // Reference: each sequence decoded alone from scratch.
  auto alone = [&](int sentence, Ids seq) {
    DecoderState s;
    model.start_decoding(memory, batch.src_shape, 8, s);
    Decoder::reorder(s, {sentence});
    Matrix l;
    for (int tok : seq) model.decode_step({tok}, s, l);
    return Matrix(l);
  };
  test::expect_close(logits.row(0), alone(1, {1, 5}), 1e-5, 1e-5, "row 0");
  test::expect_close(logits.row(1), alone(1, {1, 7}), 1e-5, 1e-5, "row 1");
  test::expect_close(logits.row(2), alone(0, {1, 5}), 1e-5, 1e-5, "row 2");
}

// The same parity for every model variant; windows also check that the ring
// cache holds only `window` positions.
class VariantKvCacheTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VariantKvCacheTest, IncrementalEqualsFullForward) {
  Seq2Seq model(test::tiny_variant(GetParam()));
  model.init(4);
  // Longer targets than tiny_batch so windows wrap around their ring.
  const Batch batch = make_batch({{3, 4, 5, 6, 7}, {8, 9, 10}},
                                 {{3, 5, 7, 4, 6, 8, 10, 12, 11}, {4, 6, 8, 10, 12, 11}}, 0, 1, 2);
  const DecoderState state = expect_incremental_equals_full(model, batch, GetParam());
  const int len = batch.tgt_shape.len;
  const int window = model.config().sliding_window;
  const int kv = model.config().kv_head_count();
  const Matrix& cached = state.layers[0].self.k[0];
  EXPECT_EQ(cached.rows(), window > 0 ? std::min(window, len) : len);
  EXPECT_EQ(cached.cols(), kv * model.config().d_model / model.config().heads);
}

// The cache grows in chunks as steps need it, not to the output limit up front,
// and keeps every filled position across growth (the parity test above covers
// the values).
TEST(KvCache, GrowsWithTheStepsNotTheLimit) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu));
  model.init(6);
  const Ids src{3, 4, 5, 2};
  const SeqShape shape{1, 4, {4}};
  Matrix memory, logits;
  model.encode(src, shape, memory);
  DecoderState state;
  model.start_decoding(memory, shape, 60, state);
  Ids tokens{1};
  for (int t = 0; t < 41; ++t) tokens.push_back(3 + t % 9);
  Matrix incremental(41, model.config().tgt_vocab_size);
  for (int t = 0; t < 41; ++t) {
    model.decode_step({tokens[t]}, state, logits);
    incremental.row(t) = logits.row(0);
    if (t == 0) {
      EXPECT_LT(state.layers[0].self.k[0].rows(), 60) << "allocated up front";
    }
  }
  EXPECT_GE(state.layers[0].self.k[0].rows(), 41);
  EXPECT_LE(state.layers[0].self.k[0].rows(), 60);
  // Every step, across the growths, equals one full causal pass.
  Matrix full;
  model.score_prefix(memory, shape, Ids(tokens.begin(), tokens.begin() + 41), 41, full);
  test::expect_close(incremental, full, 1e-4, 1e-4, "grown cache vs full pass");
}

INSTANTIATE_TEST_SUITE_P(Variants, VariantKvCacheTest,
                         ::testing::ValuesIn(test::tiny_variant_names()),
                         [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Norms, KvCacheTest,
                         ::testing::Values(NormPlacement::Pre, NormPlacement::Post),
                         [](const auto& info) {
                           return std::string(info.param == NormPlacement::Pre ? "pre" : "post");
                         });

}  // namespace
}  // namespace tandem
