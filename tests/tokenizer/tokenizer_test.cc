// Vocabulary training and the tokenizer: fixed special ids, encode->decode
// round trip on normalized text, the model surviving a trip through bytes.
#include "tokenizer/tokenizer.h"

#include "../test_util.h"
#include "tokenizer/line_sample.h"
#include "tokenizer/vocab_trainer.h"

namespace tandem {
namespace {

std::vector<std::string> corpus() {
  std::vector<std::string> lines;
  const char* words[] = {"a", "man", "in", "an", "orange", "hat", "starring", "at", "something",
                         "two", "dogs", "run", "through", "the", "grass", "ein", "Mann", "mit",
                         "einem", "Hut", "zwei", "Hunde", "laufen", "über", "das", "Gras", "."};
  for (int i = 0; i < 400; ++i) {
    std::string line;
    for (int j = 0; j < 4 + i % 7; ++j) line += std::string(j ? " " : "") + words[(i * 7 + j * 3) % 27];
    lines.push_back(line);
  }
  lines.push_back("");  // empty lines are skipped, not an error
  return lines;
}

class TokenizerTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerTest, SpecialIdsAndRoundTrip) {
  VocabOptions o;
  o.type = GetParam();
  o.size = 60;
  const Tokenizer tok(train_vocab(corpus(), o), "test");
  EXPECT_EQ(tok.pad_id(), kPadId);
  EXPECT_EQ(tok.bos_id(), kBosId);
  EXPECT_EQ(tok.eos_id(), kEosId);
  EXPECT_EQ(tok.unk_id(), kUnkId);
  EXPECT_LE(tok.vocab_size(), 60);
  for (const std::string text : {"a man in an orange hat .", "zwei Hunde laufen über das Gras",
                                 "Mann mit einem Hut"}) {
    const Ids ids = tok.encode(text);
    EXPECT_FALSE(ids.empty());
    for (int id : ids) EXPECT_GE(id, 3) << "specials never come out of encode";
    EXPECT_EQ(tok.decode(ids), text);
  }
  // Normalization: runs of spaces collapse, so the round trip gives the normalized text.
  EXPECT_EQ(tok.decode(tok.encode("  two   dogs ")), "two dogs");
  // Specials in an id list are dropped by decode.
  Ids with_specials = tok.encode("the grass");
  with_specials.insert(with_specials.begin(), kBosId);
  with_specials.push_back(kEosId);
  with_specials.push_back(kPadId);
  EXPECT_EQ(tok.decode(with_specials), "the grass");
  // A copy made from the bytes behaves the same.
  const Tokenizer copy(tok.bytes(), "copy");
  EXPECT_EQ(copy.encode("two dogs run"), tok.encode("two dogs run"));
}

INSTANTIATE_TEST_SUITE_P(Types, TokenizerTest, ::testing::Values("unigram", "bpe"));

TEST(Tokenizer, BadInputsAreErrors) {
  EXPECT_THROW(Tokenizer("not a model", "x.model"), Error);
  EXPECT_THROW(Tokenizer("", "x.model"), Error);
  VocabOptions o;
  o.type = "wordpiece";
  EXPECT_THROW(train_vocab(corpus(), o), Error);
  EXPECT_THROW(train_vocab({"", ""}, VocabOptions{}), Error);
}

}  // namespace
}  // namespace tandem


namespace tandem {
namespace {

std::vector<std::string> numbered(int n) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) lines.push_back("line " + std::to_string(i));
  return lines;
}

std::vector<std::string> sample_of(const std::vector<std::string>& lines, size_t capacity, uint64_t seed) {
  LineSample sample(capacity, seed);
  for (auto line : lines) sample.offer(std::move(line));
  return sample.take();
}

TEST(LineSample, KeepsEverythingInOrderWhileItFits) {
  auto lines = numbered(50);
  lines.insert(lines.begin() + 3, "");  // empty lines are not counted
  const auto kept = sample_of(lines, 50, 7);
  EXPECT_EQ(kept, numbered(50));
}

TEST(LineSample, BoundedSeededAndUniform) {
  const auto lines = numbered(1000);
  const auto a = sample_of(lines, 100, 7);
  ASSERT_EQ(a.size(), 100u);
  EXPECT_EQ(a, sample_of(lines, 100, 7)) << "the same seed, the same sample";
  EXPECT_NE(a, sample_of(lines, 100, 8)) << "another seed, another sample";
  std::set<std::string> distinct(a.begin(), a.end());
  EXPECT_EQ(distinct.size(), 100u) << "no line twice";
  // Every line is kept with probability 100/1000: over 400 seeds, the first,
  // middle and last tenth of the stream are each about a tenth of the sample.
  std::vector<int> by_tenth(10, 0);
  for (uint64_t seed = 0; seed < 400; ++seed)
    for (const auto& line : sample_of(lines, 100, seed)) ++by_tenth[std::stoi(line.substr(5)) / 100];
  for (int t = 0; t < 10; ++t) EXPECT_NEAR(by_tenth[t], 4000, 400) << "tenth " << t;
}

}  // namespace
}  // namespace tandem
