// Scoring given pairs: scoring what beam search produced gives back beam
// search's own numbers (the sum of token log-probabilities and the
// length-normalized score), on every model variant and in int8; a pair's
// score does not depend on the batch it is in.
#include "../model/tiny_model.h"
#include "../test_util.h"
#include "search/beam_search.h"
#include "search/pair_scorer.h"

namespace tandem {
namespace {

const SpecialIds kSpecial{0, 1, 2};

std::vector<Ids> random_sources(int n, int vocab, uint64_t seed) {
  const Rng::Stream rng(seed, 0);
  uint64_t draw = 0;
  std::vector<Ids> out;
  for (int i = 0; i < n; ++i) {
    Ids s;
    const int len = 2 + static_cast<int>(rng.bits(draw++) % 9);
    for (int k = 0; k < len; ++k) s.push_back(3 + static_cast<int>(rng.bits(draw++) % (vocab - 3)));
    s.push_back(kSpecial.eos);
    out.push_back(s);
  }
  return out;
}

void expect_scores_match_the_beam(const Seq2Seq& model, const std::string& what) {
  const auto sources = random_sources(6, model.config().src_vocab_size, 11);
  SearchOptions o;
  o.beam = 4;
  o.nbest = 3;
  o.length_penalty = 0.6f;
  o.max_len_b = 8;
  const auto result = decode_batch(model, sources, o, kSpecial);
  std::vector<Ids> src, tgt;
  std::vector<const Hypothesis*> hyps;
  for (size_t i = 0; i < result.size(); ++i)
    for (const auto& h : result[i]) src.push_back(sources[i]), tgt.push_back(h.tokens), hyps.push_back(&h);
  ASSERT_GT(hyps.size(), 6u);
  const auto scores = score_token_pairs(model, src, tgt, kSpecial, 64, o.length_penalty, true);
  for (size_t k = 0; k < hyps.size(); ++k) {
    const float tol = 2e-4f * std::max(1.f, std::abs(hyps[k]->log_prob));
    EXPECT_NEAR(scores[k].log_prob, hyps[k]->log_prob, tol) << what << " pair " << k;
    EXPECT_NEAR(scores[k].score, hyps[k]->score, tol) << what << " pair " << k;
    EXPECT_EQ(scores[k].tokens, static_cast<int>(hyps[k]->tokens.size()) + 1);
    ASSERT_EQ(scores[k].token_log_probs.size(), hyps[k]->tokens.size() + 1);
    double sum = 0;
    for (float t : scores[k].token_log_probs) sum += t;
    EXPECT_NEAR(sum, scores[k].log_prob, 1e-4) << "the per-token scores add up to the total";
  }
}

TEST(PairScorer, ScoringTheBeamsOutputGivesTheBeamsScores) {
  for (const std::string variant : {"", "learned", "rope", "alibi", "relative", "gqa_kv1", "window2", "t5"}) {
    Seq2Seq model(test::tiny_variant(variant));
    model.init(5);
    expect_scores_match_the_beam(model, variant.empty() ? "sinusoidal" : variant);
  }
}

TEST(PairScorer, Int8ScoresMatchInt8Decoding) {
  if (!compute_type_unsupported_reason(ComputeType::Int8).empty()) GTEST_SKIP() << "no int8 on this CPU";
  Seq2Seq model(test::tiny_variant(""));
  model.init(5);
  model.set_compute_type(ComputeType::Int8);
  expect_scores_match_the_beam(model, "int8");
}

TEST(PairScorer, AScoreDoesNotDependOnItsBatch) {
  Seq2Seq model(test::tiny_variant(""));
  model.init(7);
  const auto src = random_sources(9, model.config().src_vocab_size, 3);
  const auto tgt = random_sources(9, model.config().tgt_vocab_size, 4);
  std::vector<Ids> targets;
  for (const auto& t : tgt) targets.push_back(Ids(t.begin(), t.end() - 1));
  const auto together = score_token_pairs(model, src, targets, kSpecial, 4096, 0.6f, false);
  for (size_t i = 0; i < src.size(); ++i) {
    const auto alone = score_token_pairs(model, {src[i]}, {targets[i]}, kSpecial, 4096, 0.6f, false);
    EXPECT_NEAR(alone[0].log_prob, together[i].log_prob, 1e-4) << i;
  }
  // A worse target scores lower than the model's own greedy choice.
  SearchOptions greedy;
  greedy.beam = 1;
  const auto best = decode_batch(model, {src[0]}, greedy, kSpecial);
  const auto own = score_token_pairs(model, {src[0]}, {best[0][0].tokens}, kSpecial, 4096, 0.f, false);
  EXPECT_NEAR(own[0].log_prob, best[0][0].log_prob, 1e-4);
}

}  // namespace
}  // namespace tandem
