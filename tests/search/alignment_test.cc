// Word alignments from attention: piece-to-word mapping and the Moses pairs,
// known answers by hand.
#include "search/alignment.h"

#include "../test_util.h"

namespace tandem {
namespace {

TEST(Alignment, PiecesToWords) {
  // "▁the ▁hou se ." : a piece without U+2581 continues the word before it.
  EXPECT_EQ(word_of_pieces({"\u2581the", "\u2581hou", "se", "."}), (std::vector<int>{0, 1, 1, 1}));
  EXPECT_EQ(word_of_pieces({"se", "\u2581a"}), (std::vector<int>{0, 1}));  // no leading mark
  EXPECT_TRUE(word_of_pieces({}).empty());
}

TEST(Alignment, ArgmaxPairsSkipEosAndRepeats) {
  // Source words {0, 1, 1} + EOS; target words {0, 0, 1} + the EOS step.
  auto row = [](std::vector<float> v) { return Eigen::Map<Eigen::VectorXf>(v.data(), v.size()).eval(); };
  const std::vector<Eigen::VectorXf> attention = {
      row({0.1f, 0.7f, 0.1f, 0.1f}),   // target piece 0 -> source piece 1 (word 1)
      row({0.1f, 0.1f, 0.6f, 0.2f}),   // target piece 1 -> source piece 2 (word 1): same pair
      row({0.1f, 0.1f, 0.1f, 0.7f}),   // target piece 2 -> source EOS: no pair
      row({0.9f, 0.0f, 0.0f, 0.1f})};  // the EOS step: ignored
  EXPECT_EQ(moses_alignment(attention, {0, 1, 1}, {0, 0, 1}), "1-0");
  const std::vector<Eigen::VectorXf> other = {row({0.9f, 0.f, 0.f, 0.1f}), row({0.f, 0.f, 0.9f, 0.1f}),
                                              row({0.f, 0.9f, 0.f, 0.1f})};
  EXPECT_EQ(moses_alignment(other, {0, 1, 1}, {0, 0, 1}), "0-0 1-0 1-1");
}

}  // namespace
}  // namespace tandem
