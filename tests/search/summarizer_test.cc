// Sentence splitting and packing for long documents, and batching order.
#include "search/summarizer.h"

#include "../test_util.h"
#include "search/batching.h"

namespace tandem {
namespace {

TEST(SplitSentences, PunctuationAndTurns) {
  EXPECT_EQ(split_sentences("Hi there. How are you? Fine! 3.5 is a number"),
            (std::vector<std::string>{"Hi there.", "How are you?", "Fine!", "3.5 is a number"}));
  EXPECT_EQ(split_sentences("#Person1#: hello #Person2#: hi (yes.) ok"),
            (std::vector<std::string>{"#Person1#: hello", "#Person2#: hi (yes.)", "ok"}));
  EXPECT_TRUE(split_sentences("   ").empty());
}

TEST(PackSentences, PiecesFitTheBudget) {
  auto words = [](const std::string& s) {
    int n = 0;
    bool in = false;
    for (char c : s) {
      if (c != ' ' && !in) ++n;
      in = c != ' ';
    }
    return n;
  };
  const std::vector<std::string> s = {"a b c.", "d e.", "f g h i.", "j.", "k l m n o p q r s t."};
  const auto pieces = pack_sentences(s, 5, words);
  EXPECT_EQ(pieces, (std::vector<std::string>{"a b c. d e.", "f g h i. j.", "k l m n o p q r s t."}));
}

TEST(Batching, EveryIndexOnceWithinBudget) {
  const std::vector<int> lengths = {5, 1, 9, 3, 3, 7, 2, 30, 4};
  const auto batches = batches_by_length(lengths, 12);
  std::vector<int> seen(lengths.size(), 0);
  for (const auto& b : batches) {
    int longest = 0;
    for (int i : b) {
      ++seen[i];
      longest = std::max(longest, lengths[i]);
    }
    if (b.size() > 1) {
      EXPECT_LE(longest * static_cast<int>(b.size()), 12);
    }
  }
  for (int s : seen) EXPECT_EQ(s, 1);
}

TEST(Batching, SentenceLimitSplitsWithinTheTokenBudget) {
  const std::vector<int> lengths = {2, 2, 2, 2, 2, 2, 2};
  const auto limited = batches_by_length(lengths, 1000, 3);
  ASSERT_EQ(limited.size(), 3u);
  EXPECT_EQ(limited[0].size(), 3u);
  EXPECT_EQ(limited[2].size(), 1u);
  EXPECT_EQ(batches_by_length(lengths, 1000, 1).size(), 7u);
  EXPECT_EQ(batches_by_length(lengths, 1000).size(), 1u);  // 0: the budget alone decides
  EXPECT_EQ(batches_by_length(lengths, 6, 5).size(), 3u);  // the budget still binds first
}

}  // namespace
}  // namespace tandem
