// The translation pipeline's stages: the segmenter cuts long inputs at the
// model's limit, the assembler puts pieces back together whatever order they
// finish in and releases inputs in input order, and a stream read window by
// window gives the same results as the whole list decoded at once.
#include "../model/tiny_model.h"
#include "../test_util.h"
#include "search/assembler.h"
#include "search/segmenter.h"
#include "search/translator.h"
#include "tokenizer/vocab_trainer.h"

namespace tandem {
namespace {

// A real SentencePiece model over a small word list, trained once.
const Tokenizer& vocabulary() {
  static const Tokenizer* tok = [] {
    std::vector<std::string> text;
    for (int i = 0; i < 300; ++i)
      text.push_back("the dog " + std::to_string(i % 13) + " runs near the house " + std::to_string(i % 7));
    VocabOptions o;
    o.size = 60;
    return new Tokenizer(train_vocab(text, o), "the test vocabulary");
  }();
  return *tok;
}

TEST(Segmenter, CutsAtTheLimitAndSkipsBlankInputs) {
  const Segmenter segmenter(vocabulary(), 4);
  std::vector<Segment> out;
  uint64_t key = 10;
  EXPECT_EQ(segmenter.split("", 0, out, &key), 0);
  EXPECT_EQ(segmenter.split("   ", 1, out, &key), 0);
  const Ids ids = vocabulary().encode("the dog 3 runs near the house 5");
  const int expected = static_cast<int>((ids.size() + 3) / 4);
  std::string warning;
  EXPECT_EQ(segmenter.split("the dog 3 runs near the house 5", 2, out, &key, [&](const std::string& w) { warning = w; }),
            expected);
  ASSERT_EQ(out.size(), static_cast<size_t>(expected));
  Ids joined;
  for (int p = 0; p < expected; ++p) {
    EXPECT_EQ(out[p].input, 2);
    EXPECT_EQ(out[p].piece, p);
    EXPECT_EQ(out[p].pieces, expected);
    EXPECT_EQ(out[p].key, 10u + p) << "keys number the segments of the stream";
    EXPECT_LE(out[p].ids.size(), 5u);
    EXPECT_EQ(out[p].ids.back(), vocabulary().eos_id());
    joined.insert(joined.end(), out[p].ids.begin(), out[p].ids.end() - 1);
  }
  EXPECT_EQ(joined, ids) << "the pieces are the input, in order";
  EXPECT_NE(warning.find("line 3: "), std::string::npos) << warning;
}

Hypothesis hypothesis(const std::string& text, float score) {
  Hypothesis h;
  h.tokens = vocabulary().encode(text);
  h.score = score;
  return h;
}

TEST(Assembler, JoinsPiecesInOrderAndReleasesInputsInOrder) {
  Assembler assembler(vocabulary(), vocabulary(), false, nullptr);
  EXPECT_FALSE(assembler.expect(0, 2));  // input 0: two pieces
  EXPECT_TRUE(assembler.expect(1, 0));   // input 1: empty, complete at once
  EXPECT_FALSE(assembler.expect(2, 1));
  std::vector<TextHypothesis> result;
  EXPECT_FALSE(assembler.pop(result)) << "input 0 is not complete";
  Segment s2{2, 0, 1, 0, {}};
  EXPECT_TRUE(assembler.add(s2, {hypothesis("the house", -1.f)}));
  EXPECT_FALSE(assembler.pop(result)) << "input 2 waits for input 0";
  Segment second{0, 1, 2, 0, {}}, first{0, 0, 2, 0, {}};
  EXPECT_FALSE(assembler.add(second, {hypothesis("runs", -2.f)}));
  EXPECT_TRUE(assembler.add(first, {hypothesis("the dog", -3.f)}));
  ASSERT_TRUE(assembler.pop(result));
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].text, "the dog runs") << "pieces joined in piece order, not finishing order";
  EXPECT_FLOAT_EQ(result[0].score, -5.f);
  ASSERT_TRUE(assembler.pop(result));
  EXPECT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].text, "") << "an empty input gives one empty hypothesis";
  ASSERT_TRUE(assembler.pop(result));
  EXPECT_EQ(result[0].text, "the house");
  EXPECT_EQ(assembler.pending(), 0);
}

// Windows of any size give the whole list's results, in order, n-best and
// scores included, with the memory of one window: the sink sees each result
// once, and no earlier than its window.
TEST(Translator, AStreamInWindowsEqualsTheWholeList) {
  ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::All, Activation::Relu);
  c.src_vocab_size = c.tgt_vocab_size = vocabulary().vocab_size();
  c.pad_id = vocabulary().pad_id();
  c.max_positions = 12;  // some lines are cut into pieces
  Seq2Seq model(c);
  model.init(3);
  SearchOptions o;
  o.beam = 3;
  o.nbest = 2;
  o.max_len_b = 6;
  std::vector<std::string> lines;
  for (int i = 0; i < 40; ++i)
    lines.push_back(i % 9 == 4 ? "" : "the dog " + std::to_string(i) + " runs near the house" + std::string(i % 3 == 0 ? " the dog runs near the house" : ""));
  Translator translator(model, vocabulary(), vocabulary(), o, 64);
  translator.set_workers(2);
  const auto whole = translator.translate(lines);
  for (int window : {1, 3, 16}) {
    ListSource source(lines);
    StreamOptions stream;
    stream.window = window;
    int64_t expected = 0;
    translator.translate_stream(source, [&](int64_t i, std::vector<TextHypothesis>&& r) {
      ASSERT_EQ(i, expected++) << "in input order";
      ASSERT_EQ(r.size(), whole[i].size()) << "line " << i;
      for (size_t k = 0; k < r.size(); ++k) {
        EXPECT_EQ(r[k].text, whole[i][k].text) << "line " << i << " window " << window;
        EXPECT_FLOAT_EQ(r[k].score, whole[i][k].score);
      }
    }, stream);
    EXPECT_EQ(expected, 40);
  }
}

}  // namespace
}  // namespace tandem
