#include "train/denoise_data.h"

#include <fstream>

#include "../test_util.h"
#include "tokenizer/vocab_trainer.h"

namespace tandem {
namespace {

Tokenizer letters_vocab() {
  std::vector<std::string> text;
  for (int i = 0; i < 200; ++i) text.push_back("a b c d e f g h. i j k l m n o p!");
  VocabOptions o;
  o.size = 40;
  o.reserved = {"<mask>"};
  return Tokenizer(train_vocab(text, o), "letters");
}

// Documents are lines, or with `blocks` runs of lines up to a blank line; the
// target side is the document, the source a noised copy holding <mask>.
TEST(DenoiseData, LinesOrBlankLineBlocks) {
  const std::string path = ::testing::TempDir() + "tandem_denoise_blocks.txt";
  std::ofstream(path) << "a b c d\ne f g h\n\n  \ni j k l\nm n o p\n\n";
  const Tokenizer tok = letters_vocab();
  ASSERT_GE(tok.piece_id("<mask>"), 0);
  DenoiseRecipe d;
  d.permute_sentences = false;
  const DenoisingText lines = load_denoising({path}, tok, d, 1, 1, 64, "test");
  EXPECT_EQ(lines.original, (std::vector<std::string>{"a b c d", "e f g h", "i j k l", "m n o p"}));
  EXPECT_EQ(lines.pairs.skipped_empty, 3);  // two blank lines and the spaces-only one
  d.blocks = true;
  const DenoisingText blocks = load_denoising({path}, tok, d, 1, 2, 64, "test");
  EXPECT_EQ(blocks.original,
            (std::vector<std::string>{"a b c d e f g h", "i j k l m n o p", "a b c d e f g h", "i j k l m n o p"}));
  for (const auto& noised : blocks.noised) EXPECT_NE(noised.find("<mask>"), std::string::npos) << noised;
  EXPECT_NE(blocks.noised[0], blocks.noised[2]) << "each copy is noised differently";
  // A vocabulary without the reserved piece is a clear error.
  VocabOptions plain;
  plain.size = 40;
  const Tokenizer without(train_vocab({"a b c d e f g h", "i j k l m n o p"}, plain), "plain");
  EXPECT_NE(test::error_of([&] { load_denoising({path}, without, d, 1, 1, 64, "r.yaml"); })
                .find("r.yaml: the vocabulary has no <mask> piece"),
            std::string::npos);
  std::remove(path.c_str());
}

// Several files are one corpus, in order: the same documents and the same
// noise as the concatenated file (a document's noise depends on its index).
TEST(DenoiseData, SeveralFilesAreOneCorpus) {
  const std::string a = ::testing::TempDir() + "tandem_denoise_a.txt", b = ::testing::TempDir() + "tandem_denoise_b.txt",
                    both = ::testing::TempDir() + "tandem_denoise_ab.txt";
  std::ofstream(a) << "a b c d e f\ng h i j k l\n";
  std::ofstream(b) << "m n o p a b\nc d e f g h\n";
  std::ofstream(both) << "a b c d e f\ng h i j k l\nm n o p a b\nc d e f g h\n";
  const Tokenizer tok = letters_vocab();
  DenoiseRecipe d;
  d.permute_sentences = false;
  const DenoisingText split = load_denoising({a, b}, tok, d, 7, 2, 64, "test");
  const DenoisingText joined = load_denoising({both}, tok, d, 7, 2, 64, "test");
  EXPECT_EQ(split.original.size(), 8u) << "4 documents x 2 copies";
  EXPECT_EQ(split.original, joined.original);
  EXPECT_EQ(split.noised, joined.noised);
  for (const auto* f : {&a, &b, &both}) std::remove(f->c_str());
}

}  // namespace
}  // namespace tandem
