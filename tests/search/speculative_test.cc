// Speculative greedy decoding gives exactly the main model's greedy output,
// whatever the draft: the model itself (every draft token accepted), another
// random model (most rejected), drafts of 1..6 tokens, output limits and
// constraints; plus the draft's cache rewind and the argument checks.
#include "search/speculative.h"

#include "../model/tiny_model.h"
#include "../test_util.h"
#include "core/error.h"
#include "core/rng.h"

namespace tandem {
namespace {

const SpecialIds kIds{0, 1, 2};

ModelConfig config(int decoder_layers) {
  ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Gelu);
  c.src_vocab_size = 11;
  c.tgt_vocab_size = 13;
  c.decoder_layers = decoder_layers;
  return c;
}

std::vector<Ids> random_sources(int n, uint64_t seed) {
  Rng rng(seed);
  const auto s = rng.next();
  std::vector<Ids> sources;
  for (int i = 0; i < n; ++i) {
    const int len = 1 + static_cast<int>(s.uniform(2 * i) * 9);
    Ids src;
    for (int t = 0; t < len; ++t) src.push_back(3 + static_cast<int>(s.uniform(1000 + 50 * i + t) * 8));
    src.push_back(kIds.eos);
    sources.push_back(src);
  }
  return sources;
}

void expect_same(const std::vector<std::vector<Hypothesis>>& got,
                 const std::vector<std::vector<Hypothesis>>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].size(), 1u);
    EXPECT_EQ(got[i][0].tokens, want[i][0].tokens) << "sentence " << i;
    EXPECT_NEAR(got[i][0].log_prob, want[i][0].log_prob, 1e-4) << "sentence " << i;
  }
}

TEST(Speculative, EqualsGreedyWhateverTheDraft) {
  Seq2Seq model(config(2)), other(config(1));
  model.init(3);
  other.init(4);
  SearchOptions o;
  o.beam = 1;
  o.max_len_a = 1.5f;
  o.max_len_b = 4;
  const auto sources = random_sources(60, 5);
  const auto greedy = decode_batch(model, sources, o, kIds);
  for (int k : {1, 2, 4, 6}) {
    SpeculativeStats self, weak;
    expect_same(speculative_greedy(model, model, sources, o, kIds, k, &self), greedy);
    expect_same(speculative_greedy(model, other, sources, o, kIds, k, &weak), greedy);
    // The model as its own draft agrees on every token it drafts.
    EXPECT_EQ(self.accepted, self.proposed) << "k=" << k;
    EXPECT_LT(weak.accepted, weak.proposed) << "k=" << k;
    // With k >= 2 and full acceptance, a pass yields more than one token.
    if (k >= 2) {
      EXPECT_GT(self.output_tokens, self.main_passes) << "k=" << k;
    }
  }
}

TEST(Speculative, KeepsTheConstraints) {
  Seq2Seq model(config(2)), draft(config(1));
  model.init(7);
  draft.init(8);
  SearchOptions o;
  o.beam = 1;
  o.min_len = 3;
  o.no_repeat_ngram = 2;
  o.max_len_a = 0;
  o.max_len_b = 6;
  const auto sources = random_sources(30, 9);
  const auto greedy = decode_batch(model, sources, o, kIds);
  expect_same(speculative_greedy(model, draft, sources, o, kIds, 3), greedy);
  for (const auto& h : greedy) {
    EXPECT_GE(h[0].tokens.size(), 3u);
    EXPECT_LE(h[0].tokens.size(), 5u);
  }
}

TEST(Speculative, RewoundDraftDecodesAsIfFresh) {
  Seq2Seq model(config(1));
  model.init(11);
  const Ids src{4, 5, 6, kIds.eos};
  const SeqShape shape{1, 4, {4}};
  Matrix memory, a, b;
  model.encode(src, shape, memory);
  DecoderState state, fresh;
  model.start_decoding(memory, shape, 8, state);
  model.start_decoding(memory, shape, 8, fresh);
  for (int t : {1, 7, 8, 9}) model.decode_step({t}, state, a);
  model.rewind_decoding(state, 2);  // keep BOS, 7
  model.decode_step({10}, state, a);
  for (int t : {1, 7, 10}) model.decode_step({t}, fresh, b);
  test::expect_close(a, b, 0, 0, "rewound vs fresh");
}

TEST(Speculative, RejectsWhatItCannotDo) {
  Seq2Seq model(config(1));
  model.init(1);
  SearchOptions o;
  o.beam = 4;
  EXPECT_THROW(speculative_greedy(model, model, random_sources(1, 1), o, kIds, 4), Error);
  o.beam = 1;
  EXPECT_THROW(speculative_greedy(model, model, random_sources(1, 1), o, kIds, 0), Error);
  ModelConfig wide = config(1);
  wide.tgt_vocab_size = 17;
  Seq2Seq other(wide);
  other.init(2);
  EXPECT_THROW(speculative_greedy(model, other, random_sources(1, 1), o, kIds, 2), Error);
}

}  // namespace
}  // namespace tandem
