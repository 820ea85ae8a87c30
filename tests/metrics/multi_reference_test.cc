// Several references per hypothesis: sacreBLEU's own README example (two
// references, and the variable-reference case), plus hand-worked cases for
// the rules that example does not reach (TER's mean reference length, BLEU's
// closest-length tie, ROUGE's mean of per-reference F1, a reference given twice).
#include "../test_util.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "metrics/ter.h"

namespace tandem {
namespace {

const std::vector<std::string> kHyps = {"The dog bit the man.", "It wasn't surprising.",
                                        "The man had just bitten him."};
References readme_refs() {
  return References({{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
                     {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."}});
}

TEST(MultiReference, BleuMatchesSacrebleuReadme) {
  const MetricScore bleu = corpus_bleu(kHyps, readme_refs());
  EXPECT_NEAR(bleu.score, 48.530827, 1e-5);
  EXPECT_EQ(bleu.details, "14/7/5/3 matches, hyp_len 17, ref_len 18");
  EXPECT_EQ(bleu.signature.substr(0, 16), "nrefs:2|case:mix");
  // Either reference alone scores lower than both together.
  EXPECT_LT(corpus_bleu(kHyps, readme_refs().streams[0]).score, bleu.score);
  EXPECT_LT(corpus_bleu(kHyps, readme_refs().streams[1]).score, bleu.score);
}

TEST(MultiReference, ChrfMatchesSacrebleuReadme) {
  EXPECT_NEAR(corpus_chrf(kHyps, readme_refs()).score, 59.73, 0.005);
}

TEST(MultiReference, EmptyReferenceMeansNoneForThatLine) {
  References refs = readme_refs();
  refs.streams[0][0] = "";  // sacreBLEU README: BLEU = 29.44, ref_len 19, nrefs:var
  const MetricScore bleu = corpus_bleu(kHyps, refs);
  EXPECT_NEAR(bleu.score, 29.44, 0.005);
  EXPECT_EQ(bleu.details, "14/6/3/1 matches, hyp_len 17, ref_len 19");
  EXPECT_EQ(bleu.signature.substr(0, 10), "nrefs:var|");
}

TEST(MultiReference, TerTakesFewestEditsOverMeanReferenceLength) {
  // vs "a b c d": 2 insertions; vs "a": 1 deletion. Mean length 2.5: 1/2.5.
  const References refs({{"a b c d"}, {"a"}});
  EXPECT_NEAR(corpus_ter({"a b"}, refs).score, 40.0, 1e-9);
  EXPECT_NEAR(corpus_ter({"a b"}, refs.streams[0]).score, 50.0, 1e-9);
  EXPECT_NEAR(corpus_ter({"a b"}, refs.streams[1]).score, 100.0, 1e-9);
}

TEST(MultiReference, BleuClosestLengthTieTakesTheShorter) {
  // Hypothesis of 2 words, references of 1 and 3: both 1 away, 1 is taken.
  const MetricScore bleu = corpus_bleu({"a b"}, References({{"a"}, {"a b c"}}));
  EXPECT_NE(bleu.details.find("ref_len 1"), std::string::npos) << bleu.details;
}

TEST(MultiReference, RougeIsTheMeanOfPerReferenceF1) {
  const auto scores = corpus_rouge({"a b"}, References({{"a b"}, {"c d"}}));
  ASSERT_EQ(scores.size(), 9u);
  EXPECT_EQ(scores[0].name, "ROUGE-1");
  EXPECT_NEAR(scores[0].score, 50.0, 1e-9);
  EXPECT_EQ(scores[3].name, "ROUGE-1 ref1");
  EXPECT_NEAR(scores[3].score, 100.0, 1e-9);
  EXPECT_EQ(scores[6].name, "ROUGE-1 ref2");
  EXPECT_NEAR(scores[6].score, 0.0, 1e-9);
}

TEST(MultiReference, TheSameReferenceTwiceScoresAsOnce) {
  const std::vector<std::string> refs = readme_refs().streams[1];
  const References twice({refs, refs});
  EXPECT_EQ(corpus_bleu(kHyps, twice).score, corpus_bleu(kHyps, refs).score);
  EXPECT_EQ(corpus_chrf(kHyps, twice).score, corpus_chrf(kHyps, refs).score);
  EXPECT_NEAR(corpus_ter(kHyps, twice).score, corpus_ter(kHyps, refs).score, 1e-9);
  EXPECT_NEAR(corpus_rouge(kHyps, twice)[0].score, corpus_rouge(kHyps, refs)[0].score, 1e-9);
}

TEST(MultiReference, MismatchedLineCountsAreAnError) {
  EXPECT_THROW(corpus_bleu(kHyps, References({{"a"}, {"b"}})), Error);
  EXPECT_THROW(corpus_chrf(kHyps, References()), Error);
}

}  // namespace
}  // namespace tandem
