// TER on adversarial inputs: hand-counted small cases (from the definition:
// minimum word edits, a block shift counting one edit) and invariants on long
// lines that a crash, an out-of-range read (under the sanitizer build) or an
// unbounded search would break.
#include "metrics/ter.h"

#include <random>

#include "../test_util.h"

namespace tandem {
namespace {

using Words = std::vector<std::string>;

Words words(const std::string& text) {
  Words out;
  std::string w;
  for (char c : text) {
    if (c == ' ') {
      if (!w.empty()) out.push_back(w), w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

int edits(const std::string& hyp, const std::string& ref) {
  return translation_edits(words(hyp), words(ref)).first;
}

TEST(Ter, HandCountedCases) {
  EXPECT_EQ(edits("a b c", "a b c"), 0);
  EXPECT_EQ(edits("b a", "a b"), 1);            // one shift
  EXPECT_EQ(edits("a a b", "a b c"), 2);        // the shift target inside the moved block
  EXPECT_EQ(edits("", "a b c"), 3);             // three insertions
  EXPECT_EQ(edits("a b c", ""), 3);             // no reference words: every word is an edit
  EXPECT_EQ(edits("x y z", "a b c"), 3);        // three substitutions
  EXPECT_EQ(edits("c d a b", "a b c d"), 1);    // one block of two words
  EXPECT_EQ(edits("a a a a", "a"), 3);          // repeated tokens: three deletions
  EXPECT_EQ(translation_edits(words("a b"), words("a b c d")).second, 4);
}

// Every suffix shift of a short line: exercises each branch of the shift with
// blocks that end at the last word.
TEST(Ter, ShiftsNearTheEndStayInRange) {
  const Words ref = words("a b c d e f");
  for (const char* hyp : {"a a b", "f e d c b a", "b c d e f a", "a b c d f e", "e f a b c d",
                          "a a a a a a a a", "f f f f", "a b c d e f f f f f f f"}) {
    const auto [e, n] = translation_edits(words(hyp), ref);
    EXPECT_GE(e, 0) << hyp;
    EXPECT_LE(e, std::max<int>(words(hyp).size(), n)) << hyp;
    EXPECT_EQ(n, 6);
  }
}

Words random_words(std::mt19937& rng, int n, int vocabulary) {
  Words out(n);
  for (auto& w : out) w = "w" + std::to_string(rng() % vocabulary);
  return out;
}

// Long and lopsided lines: edits lie between the length difference and the
// longer length (shifts only ever lower the count), identical lines are 0,
// and a shuffled line needs no substitutions beyond what shifts leave.
TEST(Ter, LongAndLopsidedLinesKeepInvariants) {
  std::mt19937 rng(11);
  const Words ref = random_words(rng, 1000, 50);
  EXPECT_EQ(translation_edits(ref, ref).first, 0);
  Words shuffled = ref;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  for (const auto& hyp : {shuffled, random_words(rng, 1000, 50), random_words(rng, 3000, 5),
                          random_words(rng, 7, 50), Words(1200, "w1")}) {
    const auto [e, n] = translation_edits(hyp, ref);
    const int longer = static_cast<int>(std::max(hyp.size(), ref.size()));
    const int difference = std::abs(static_cast<int>(hyp.size()) - static_cast<int>(ref.size()));
    EXPECT_EQ(n, 1000);
    EXPECT_GE(e, difference);
    EXPECT_LE(e, longer);
  }
}

TEST(Ter, CorpusOfEmptyLines) {
  EXPECT_EQ(corpus_ter({"", ""}, {"", ""}).score, 0.0);
  EXPECT_EQ(corpus_ter({"a", ""}, {"", ""}).score, 100.0);
  EXPECT_NEAR(corpus_ter({"", "a b"}, {"a b", "a b"}).score, 50.0, 1e-12);
}

}  // namespace
}  // namespace tandem
