// Beam search, greedy and sampling on tiny random models: exact where it can be
// checked (exhaustive enumeration), greedy against a no-cache reference, batch
// against one-at-a-time, n-best order, constraints.
#include "search/beam_search.h"
#include "search/step_rules.h"

#include <map>

#include "../model/tiny_model.h"
#include "../test_util.h"

namespace tandem {
namespace {

const SpecialIds kIds{0, 1, 2};

ModelConfig small_vocab_config(int vocab) {
  ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Gelu);
  c.src_vocab_size = 11;
  c.tgt_vocab_size = vocab;
  return c;
}

// log P(seq + EOS | src) by one full forward pass (no cache), with the same
// constraint search applies at the last position (nothing but EOS, unrenormalized).
double sequence_log_prob(const Seq2Seq& model, const Ids& src, const Ids& seq) {
  const Batch b = make_batch({src}, {seq}, 0, 1, 2);
  Matrix logits;
  model.forward(b, logits, nullptr, nullptr);
  double total = 0;
  for (int t = 0; t < b.tgt_shape.len; ++t) {
    const auto row = logits.row(t).array();
    const double mx = row.maxCoeff();
    const double log_z = mx + std::log((row - static_cast<float>(mx)).exp().sum());
    total += row(b.tgt_out[t]) - log_z;
  }
  return total;
}

void enumerate(const Ids& prefix, int max_tokens, int vocab, std::vector<Ids>& out) {
  if (!prefix.empty()) out.push_back(prefix);
  if (static_cast<int>(prefix.size()) == max_tokens) return;
  for (int v = 3; v < vocab; ++v) {
    Ids next = prefix;
    next.push_back(v);
    enumerate(next, max_tokens, vocab, out);
  }
}

class ExhaustiveTest : public ::testing::TestWithParam<float> {};

TEST_P(ExhaustiveTest, WideBeamFindsTheBestSequences) {
  const int vocab = 5;  // pad bos eos a b
  Seq2Seq model(small_vocab_config(vocab));
  model.init(21);
  SearchOptions o;
  o.length_penalty = GetParam();
  o.max_len_a = 0;
  o.max_len_b = 4;  // up to 3 tokens + EOS: 2 + 4 + 8 = 14 sequences
  o.beam = 8;       // as wide as the open hypothesis space
  o.nbest = 8;
  for (const Ids& src : {Ids{3, 4, 5, 2}, Ids{7, 2}, Ids{9, 8, 7, 6, 5, 2}}) {
    std::vector<Ids> all;
    enumerate({}, 3, vocab, all);
    std::vector<std::pair<double, Ids>> scored;
    for (const auto& seq : all)
      scored.emplace_back(sequence_log_prob(model, src, seq) /
                              length_penalty(o.length_penalty, static_cast<int>(seq.size()) + 1),
                          seq);
    std::sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first > b.first; });
    const auto result = decode_batch(model, {src}, o, kIds)[0];
    ASSERT_EQ(result.size(), 8u);
    for (int i = 0; i < 8; ++i) {
      EXPECT_EQ(result[i].tokens, scored[i].second) << "rank " << i;
      EXPECT_NEAR(result[i].score, scored[i].first, 1e-4) << "rank " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(LengthPenalty, ExhaustiveTest, ::testing::Values(0.f, 0.6f, 1.f));

TEST(Greedy, EqualsNoCacheReference) {
  Seq2Seq model(small_vocab_config(9));
  model.init(8);
  SearchOptions o;
  o.beam = 1;
  const Ids src = {3, 4, 5, 6, 2};
  const auto got = decode_batch(model, {src}, o, kIds)[0][0];
  // Reference: re-run the whole prefix each step, take the argmax (min_len 1, max len).
  const int max_len = max_output_length(o, static_cast<int>(src.size()), 64);
  Ids seq;
  while (true) {
    const Batch b = make_batch({src}, {seq}, 0, 1, 2);
    Matrix logits;
    model.forward(b, logits, nullptr, nullptr);
    auto row = logits.row(static_cast<int>(seq.size())).eval();
    row(0) = row(1) = -1e30f;
    if (seq.empty()) row(2) = -1e30f;
    Eigen::Index best;
    row.maxCoeff(&best);
    if (static_cast<int>(seq.size()) + 1 >= max_len) best = 2;
    if (best == 2) break;
    seq.push_back(static_cast<int>(best));
  }
  EXPECT_EQ(got.tokens, seq);
  EXPECT_NEAR(got.log_prob, sequence_log_prob(model, src, seq), 1e-4);
}

std::vector<Ids> some_sources() {
  return {{3, 4, 5, 2}, {6, 2}, {7, 8, 9, 10, 3, 4, 2}, {5, 5, 2}, {10, 9, 8, 2}, {4, 2}};
}

class BatchTest : public ::testing::TestWithParam<int> {};

TEST_P(BatchTest, BatchEqualsOneAtATime) {
  Seq2Seq model(small_vocab_config(13));
  model.init(9);
  SearchOptions o;
  o.beam = GetParam();
  const auto sources = some_sources();
  const auto batched = decode_batch(model, sources, o, kIds);
  ASSERT_EQ(batched.size(), sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto alone = decode_batch(model, {sources[i]}, o, kIds)[0];
    EXPECT_EQ(batched[i][0].tokens, alone[0].tokens) << "sentence " << i;
    EXPECT_NEAR(batched[i][0].score, alone[0].score, 1e-5) << "sentence " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Beams, BatchTest, ::testing::Values(1, 4));

TEST(Beam, NbestIsSortedAndStartsWithTheOneBest) {
  Seq2Seq model(small_vocab_config(13));
  model.init(10);
  SearchOptions o;
  o.beam = 4;
  const auto one = decode_batch(model, some_sources(), o, kIds);
  o.nbest = 4;
  const auto many = decode_batch(model, some_sources(), o, kIds);
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(many[i].size(), 4u);
    EXPECT_EQ(many[i][0].tokens, one[i][0].tokens);
    for (int j = 1; j < 4; ++j) EXPECT_GE(many[i][j - 1].score, many[i][j].score);
  }
}

// The decoding cache bound counts every batch decoded at the same time
// (Translator workers): what one batch may take, a million at once may not.
TEST(Beam, CacheBoundCountsConcurrentBatches) {
  Seq2Seq model(small_vocab_config(13));
  model.init(10);
  SearchOptions o;
  o.beam = 4;
  EXPECT_NO_THROW(decode_batch(model, some_sources(), o, kIds));
  o.concurrent_batches = 1 << 30;
  const std::string error = test::error_of([&] { decode_batch(model, some_sources(), o, kIds); });
  EXPECT_NE(error.find("batches at once"), std::string::npos) << error;
}

TEST(Constraints, NoRepeatNgramMinLenAndMaxLen) {
  Seq2Seq model(small_vocab_config(6));  // 3 real tokens: repeats are likely
  model.init(12);
  SearchOptions o;
  o.max_len_a = 0;
  o.max_len_b = 12;
  for (int beam : {1, 3}) {
    o.beam = beam;
    o.no_repeat_ngram = 2;
    o.min_len = 4;
    for (const auto& nbest : decode_batch(model, some_sources(), o, kIds)) {
      const Ids& t = nbest[0].tokens;
      EXPECT_GE(t.size(), 4u);
      EXPECT_LE(t.size(), 11u);
      std::map<std::pair<int, int>, int> seen;
      for (size_t i = 1; i < t.size(); ++i)
        EXPECT_EQ(++seen[std::make_pair(t[i - 1], t[i])], 1) << "repeated bigram";
      for (int id : t) EXPECT_GT(id, 2) << "no pad/bos/eos inside a hypothesis";
    }
  }
}

TEST(Sampling, ReproducibleAndIndependentOfBatching) {
  Seq2Seq model(small_vocab_config(13));
  model.init(13);
  SearchOptions o;
  o.beam = 1;
  o.sampling = Sampling::TopP;
  o.top_p = 0.9f;
  o.temperature = 1.5f;
  o.seed = 77;
  const auto sources = some_sources();
  std::vector<uint64_t> keys(sources.size());
  for (size_t i = 0; i < keys.size(); ++i) keys[i] = 100 + i;
  const auto a = decode_batch(model, sources, o, kIds, keys);
  const auto b = decode_batch(model, sources, o, kIds, keys);
  for (size_t i = 0; i < sources.size(); ++i) {
    EXPECT_EQ(a[i][0].tokens, b[i][0].tokens);
    EXPECT_EQ(decode_batch(model, {sources[i]}, o, kIds, {keys[i]})[0][0].tokens, a[i][0].tokens);
  }
  o.seed = 78;
  const auto c = decode_batch(model, sources, o, kIds, keys);
  int differ = 0;
  for (size_t i = 0; i < sources.size(); ++i) differ += c[i][0].tokens != a[i][0].tokens;
  EXPECT_GT(differ, 0) << "another seed should change some samples";
  o.sampling = Sampling::TopK;
  o.top_k = 1;  // top-1 sampling is greedy
  const auto top1 = decode_batch(model, sources, o, kIds, keys);
  o.sampling = Sampling::None;
  const auto greedy = decode_batch(model, sources, o, kIds);
  for (size_t i = 0; i < sources.size(); ++i) EXPECT_EQ(top1[i][0].tokens, greedy[i][0].tokens);
}

TEST(Options, RejectBadValues) {
  Seq2Seq model(small_vocab_config(7));
  SearchOptions o;
  o.beam = 0;
  EXPECT_THROW(decode_batch(model, some_sources(), o, kIds), Error);
  o.beam = 2;
  o.nbest = 3;
  EXPECT_THROW(decode_batch(model, some_sources(), o, kIds), Error);
}

}  // namespace
}  // namespace tandem

namespace tandem {
namespace {

// Models whose positions are relative (rope, alibi, T5 buckets) have no table
// to run out of: a source and an output far longer than max_positions (which
// here stands for the longest training sequence) decode without error.
TEST(BeamSearch, RelativePositionModelsDecodeBeyondTrainingLengths) {
  for (const std::string variant : {"rope", "alibi", "relative"}) {
    ModelConfig c = test::tiny_variant(variant);
    c.max_positions = 8;
    Seq2Seq model(c);
    model.init(3);
    Ids src;
    for (int i = 0; i < 40; ++i) src.push_back(3 + i % 8);
    src.push_back(2);
    SearchOptions o;
    o.beam = 3;
    o.min_len = 50;  // force long outputs: 50 tokens at least, far past 8
    o.max_len_a = 2.f;
    const auto result = decode_batch(model, {src}, o, kIds);
    ASSERT_EQ(result.size(), 1u) << variant;
    EXPECT_GE(result[0][0].tokens.size(), 50u) << variant;
    EXPECT_TRUE(std::isfinite(result[0][0].score)) << variant;
  }
  // A sinusoidal model refuses instead, naming the limit.
  ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::Decoder, Activation::Gelu);
  c.max_positions = 8;
  Seq2Seq model(c);
  model.init(3);
  try {
    Matrix memory;
    Ids src(20, 3);
    model.encode(src, SeqShape{1, 20, {20}}, memory);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds max_positions 8"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tandem

namespace tandem {
namespace {

// The block-skipping top-k gives the plain heap scan's tokens on rows with
// banned entries, NaN, ties at the boundary and sizes off the block size.
TEST(TopTokens, FastEqualsReference) {
  const Rng::Stream rng(17, 0);
  uint64_t draw = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int vocab = 1 + static_cast<int>(rng.bits(draw++) % 300);
    const int count = 1 + static_cast<int>(rng.bits(draw++) % 12);
    std::vector<float> row(vocab);
    for (int v = 0; v < vocab; ++v) {
      const uint64_t kind = rng.bits(draw++) % 20;
      if (kind == 0) row[v] = kNegInf;
      else if (kind == 1) row[v] = std::numeric_limits<float>::quiet_NaN();
      else if (kind < 6) row[v] = -1.f;  // many ties
      else row[v] = -10.f * rng.uniform(draw++);
    }
    std::vector<std::pair<float, int>> fast, ref;
    top_tokens(row.data(), vocab, count, fast);
    top_tokens_ref(row.data(), vocab, count, ref);
    std::sort(fast.begin(), fast.end());
    std::sort(ref.begin(), ref.end());
    ASSERT_EQ(fast, ref) << "trial " << trial << " vocab " << vocab << " count " << count;
  }
}

}  // namespace
}  // namespace tandem
