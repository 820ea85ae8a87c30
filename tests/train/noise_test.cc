#include "train/noise.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "../test_util.h"

namespace tandem {
namespace {

constexpr int kMask = 1000;

Ids counting(int n) {
  Ids t(static_cast<size_t>(n));
  std::iota(t.begin(), t.end(), 1);
  return t;
}

TEST(Noise, PoissonInverseCdfKnownValues) {
  // CDF of Poisson(3): P(0) = e^-3 = 0.0498, P(<=1) = 0.1991, P(<=2) = 0.4232.
  EXPECT_EQ(poisson_from_uniform(3.0, 0.0), 0);
  EXPECT_EQ(poisson_from_uniform(3.0, 0.049), 0);
  EXPECT_EQ(poisson_from_uniform(3.0, 0.05), 1);
  EXPECT_EQ(poisson_from_uniform(3.0, 0.3), 2);
  EXPECT_EQ(poisson_from_uniform(3.0, 0.5), 3);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) sum += poisson_from_uniform(3.0, (i + 0.5) / 10000);
  EXPECT_NEAR(sum / 10000, 3.0, 0.01);
}

// The source is the text with runs of tokens replaced by single masks (and
// masks inserted): removing the masks leaves a subsequence, in order.
TEST(Noise, TextInfillingMasksAboutTheRatioInOrder) {
  long long removed = 0, total = 0;
  for (uint64_t doc = 0; doc < 400; ++doc) {
    const Ids text = counting(20 + static_cast<int>(doc % 40));
    const NoisedPair p = text_infilling(text, kMask, 0.3, 3.0, Rng::Stream(7, doc));
    EXPECT_EQ(p.target, text);
    Ids kept;
    for (size_t i = 0; i < p.source.size(); ++i) {
      if (p.source[i] != kMask) kept.push_back(p.source[i]);
    }
    EXPECT_TRUE(std::includes(text.begin(), text.end(), kept.begin(), kept.end())) << "doc " << doc;
    EXPECT_EQ(text.size() - kept.size(), static_cast<size_t>(std::ceil(0.3 * text.size()))) << "doc " << doc;
    removed += static_cast<long long>(text.size() - kept.size());
    total += static_cast<long long>(text.size());
  }
  // ceil(0.3 n) tokens in spans that never overlap.
  const double share = static_cast<double>(removed) / total;
  EXPECT_GE(share, 0.3);
  EXPECT_LE(share, 0.32);
}

TEST(Noise, SameStreamSameNoise) {
  const Ids text = counting(50);
  const NoisedPair a = text_infilling(text, kMask, 0.3, 3.0, Rng::Stream(1, 9));
  const NoisedPair b = text_infilling(text, kMask, 0.3, 3.0, Rng::Stream(1, 9));
  const NoisedPair c = text_infilling(text, kMask, 0.3, 3.0, Rng::Stream(1, 10));
  EXPECT_EQ(a.source, b.source);
  EXPECT_NE(a.source, c.source);
}

TEST(Noise, SentencePermutationKeepsSentences) {
  const int end = 99;
  const Ids text = {1, 2, end, 3, end, 4, 5, 6, end, 7};
  const Ids out = permute_sentences(text, {end}, Rng::Stream(3, 1));
  Ids sorted_in = text, sorted_out = out;
  std::sort(sorted_in.begin(), sorted_in.end());
  std::sort(sorted_out.begin(), sorted_out.end());
  EXPECT_EQ(sorted_in, sorted_out);
  // Each sentence stays contiguous and whole.
  for (const Ids& s : {Ids{1, 2, end}, Ids{3, end}, Ids{4, 5, 6, end}, Ids{7}})
    EXPECT_NE(std::search(out.begin(), out.end(), s.begin(), s.end()), out.end());
  bool any_moved = false;
  for (uint64_t k = 0; k < 20; ++k) any_moved |= permute_sentences(text, {end}, Rng::Stream(3, k)) != text;
  EXPECT_TRUE(any_moved);
  EXPECT_EQ(permute_sentences({1, 2, 3}, {end}, Rng::Stream(3, 1)), (Ids{1, 2, 3}));
}

// Putting each span back in place of its sentinel gives the text; sentinels
// appear in order; the corrupted share is round(0.15 n); spans average ~3.
TEST(Noise, SpanCorruptionRoundTripsWithOrderedSentinels) {
  std::vector<int> sentinels;
  for (int i = 0; i < 100; ++i) sentinels.push_back(2000 + i);
  long long spans = 0, corrupted = 0;
  for (uint64_t doc = 0; doc < 300; ++doc) {
    const int n = 10 + static_cast<int>(doc % 90);
    const Ids text = counting(n);
    const NoisedPair p = span_corruption(text, sentinels, 0.15, 3.0, Rng::Stream(5, doc));
    Ids rebuilt;
    int expected_sentinel = 0;
    size_t t = 0;
    for (int token : p.source) {
      if (token < 2000) {
        rebuilt.push_back(token);
        continue;
      }
      ASSERT_EQ(token, sentinels[expected_sentinel++]);
      ASSERT_LT(t, p.target.size());
      ASSERT_EQ(p.target[t++], token);
      while (t < p.target.size() && p.target[t] < 2000) rebuilt.push_back(p.target[t++]);
    }
    EXPECT_EQ(t, p.target.size());
    EXPECT_EQ(rebuilt, text) << "doc " << doc;
    const int noise = static_cast<int>(p.target.size()) - expected_sentinel;
    EXPECT_EQ(noise, std::clamp(static_cast<int>(std::lround(n * 0.15)), 1, n - 1));
    spans += expected_sentinel;
    corrupted += noise;
  }
  EXPECT_NEAR(static_cast<double>(corrupted) / spans, 3.0, 0.5);
}

TEST(Noise, SpanCorruptionEdgeCases) {
  const std::vector<int> one = {2000};
  EXPECT_TRUE(span_corruption({5}, one, 0.15, 3.0, Rng::Stream(1, 1)).target.empty());
  const NoisedPair two = span_corruption({5, 6}, one, 0.15, 3.0, Rng::Stream(1, 1));
  EXPECT_EQ(two.source, (Ids{5, 2000}));
  EXPECT_EQ(two.target, (Ids{2000, 6}));
  // One sentinel caps the spans at one, whatever the text length.
  const NoisedPair long_one = span_corruption(counting(200), one, 0.15, 3.0, Rng::Stream(1, 2));
  EXPECT_EQ(std::count(long_one.source.begin(), long_one.source.end(), 2000), 1);
}

}  // namespace
}  // namespace tandem
