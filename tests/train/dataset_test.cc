// Parallel data loading and training batches: line-count mismatch errors,
// skipped pairs are counted, batches respect the budget, epoch order is a
// reproducible permutation that changes between epochs.
#include "train/dataset.h"

#include <algorithm>
#include <fstream>

#include "../test_util.h"
#include "tokenizer/vocab_trainer.h"

namespace tandem {
namespace {

std::string tmp(const std::string& name) { return ::testing::TempDir() + "dataset_" + name; }

Tokenizer small_tokenizer() {
  std::vector<std::string> lines;
  for (int i = 0; i < 200; ++i) lines.push_back("one two three four five six seven " + std::to_string(i % 10));
  VocabOptions o;
  o.size = 40;
  return Tokenizer(train_vocab(lines, o), "test");
}

TEST(Dataset, MismatchedLineCountsNameBothFiles) {
  std::ofstream(tmp("a.src")) << "one\ntwo\nthree\n";
  std::ofstream(tmp("a.tgt")) << "one\ntwo\n";
  const Tokenizer tok = small_tokenizer();
  try {
    load_parallel(tmp("a.src"), tmp("a.tgt"), tok, tok, 100);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "parallel files differ in length: " + tmp("a.src") + " has 3 lines, " +
                                         tmp("a.tgt") + " has 2");
  }
}

TEST(Dataset, SkipsAndCountsEmptyAndLongPairs) {
  std::ofstream(tmp("b.src")) << "one two\n\nthree\none two three four five six seven one two three\nfour\n";
  std::ofstream(tmp("b.tgt")) << "two\nthree\n\nfour\nfive six\n";
  const Tokenizer tok = small_tokenizer();
  const ParallelData d = load_parallel(tmp("b.src"), tmp("b.tgt"), tok, tok, 8);
  EXPECT_EQ(d.src.size(), 2u);
  EXPECT_EQ(d.skipped_empty, 2);
  EXPECT_EQ(d.skipped_long, 1);
  for (const auto& s : d.src) EXPECT_EQ(s.back(), tok.eos_id()) << "sources end with EOS";
}

TEST(Batches, WithinBudgetAndEpochOrder) {
  ParallelData d;
  for (int i = 0; i < 500; ++i) {
    d.src.push_back(Ids(1 + (i * 7) % 23, 5));
    d.tgt.push_back(Ids(1 + (i * 5) % 19, 6));
  }
  const auto batches = make_train_batches(d, 256, 3);
  std::vector<int> seen(d.src.size(), 0);
  for (const auto& b : batches) {
    size_t s = 0, t = 0;
    for (int i : b) {
      ++seen[i];
      s = std::max(s, d.src[i].size());
      t = std::max(t, d.tgt[i].size() + 1);
    }
    if (b.size() > 1) {
      EXPECT_LE((s + t) * b.size(), 256u);
    }
  }
  for (int n : seen) EXPECT_EQ(n, 1);
  const auto e0 = epoch_order(batches.size(), 3, 0), e0b = epoch_order(batches.size(), 3, 0);
  const auto e1 = epoch_order(batches.size(), 3, 1);
  EXPECT_EQ(e0, e0b);
  EXPECT_NE(e0, e1);
  auto sorted = e1;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], static_cast<int>(i));
}

}  // namespace
}  // namespace tandem
