// ROUGE on examples small enough to count by hand.
#include "metrics/rouge.h"

#include <random>

#include "../test_util.h"

namespace tandem {
namespace {

TEST(Rouge, Tokenization) {
  EXPECT_EQ(rouge_tokenize("#Person1# asks: Über-cool, 3D?"),
            (std::vector<std::string>{"person1", "asks", "ber", "cool", "3d"}));
}

TEST(Rouge, HandCountedExample) {
  // hyp: the cat sat on the mat (6) ; ref: the cat is on the mat (6)
  // unigrams: overlap the x2, cat, on, mat = 5 -> P = R = 5/6
  // bigrams: hyp {the cat, cat sat, sat on, on the, the mat}, ref {the cat, cat is, is on,
  //          on the, the mat}: overlap 3 of 5 -> 0.6
  // LCS: the cat on the mat = 5 -> 5/6
  const auto h = rouge_tokenize("The cat sat on the mat.");
  const auto r = rouge_tokenize("the cat is on the mat");
  EXPECT_NEAR(rouge_n_f1(h, r, 1), 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(rouge_n_f1(h, r, 2), 0.6, 1e-12);
  EXPECT_NEAR(rouge_l_f1(h, r), 5.0 / 6.0, 1e-12);
  // Unequal lengths: hyp "a b" vs ref "a b c d": P = 1, R = 0.5, F1 = 2/3.
  EXPECT_NEAR(rouge_n_f1(rouge_tokenize("a b"), rouge_tokenize("a b c d"), 1), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(rouge_n_f1({}, r, 1), 0.0);
  const auto corpus = corpus_rouge({"The cat sat on the mat.", "a b"}, {"the cat is on the mat", "a b c d"});
  EXPECT_NEAR(corpus[0].score, 100 * (5.0 / 6.0 + 2.0 / 3.0) / 2, 1e-9);
  EXPECT_EQ(corpus[2].name, "ROUGE-L");
}

// The bit-parallel LCS equals the plain dynamic programme on random word
// strings over small alphabets (many matches), across the 64-column word
// boundaries and with either side longer.
TEST(Rouge, BitParallelLcsMatchesPlainDp) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const int na = static_cast<int>(rng() % 200), nb = static_cast<int>(rng() % 200);
    const int alphabet = 1 + static_cast<int>(rng() % 6);
    std::vector<std::string> a(na), b(nb);
    for (auto& w : a) w = std::string(1, static_cast<char>('a' + rng() % alphabet));
    for (auto& w : b) w = std::string(1, static_cast<char>('a' + rng() % alphabet));
    ASSERT_EQ(lcs_length(a, b), lcs_length_ref(a, b)) << "trial " << trial << " " << na << "x" << nb;
  }
  const std::vector<std::string> abc{"a", "b", "c"};
  EXPECT_EQ(lcs_length(abc, {}), 0u);
  EXPECT_EQ(lcs_length({}, abc), 0u);
  EXPECT_EQ(lcs_length({"c", "b", "a"}, abc), 1u);
}

// Two 20,000-word summaries: the old table held 4 * 10^8 cells (1.6 GB); the
// bit-parallel one holds 313 machine words per distinct word. Known answer: b
// is a (distinct words) with every third word replaced by one absent from a.
TEST(Rouge, LongLinesScore) {
  std::vector<std::string> a, b;
  size_t kept = 0;
  for (int i = 0; i < 20000; ++i) {
    a.push_back("w" + std::to_string(i));
    const bool replace = i % 3 == 0;
    b.push_back(replace ? "x" : a.back());
    kept += replace ? 0 : 1;
  }
  EXPECT_EQ(lcs_length(a, b), kept);
  EXPECT_EQ(lcs_length(b, a), kept);
  EXPECT_EQ(lcs_length(a, a), a.size());
}

}  // namespace
}  // namespace tandem
