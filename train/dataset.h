// train/dataset.h: tokenized parallel data and the length-bucketed batches
// training walks through. Pairs with an empty side or a side over max_len
// tokens are skipped and counted (the trainer logs the counts).
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "model/batch.h"
#include "tokenizer/tokenizer.h"
#include "train/data_files.h"

namespace tandem {

struct ParallelData {
  std::vector<Ids> src;  // each ends with EOS
  std::vector<Ids> tgt;  // without BOS/EOS (make_batch adds them)
  int skipped_empty = 0;
  int skipped_long = 0;
  long long src_tokens = 0, tgt_tokens = 0;
};

// Reads both files (equal line counts, else an error naming both files and
// counts) and tokenizes them. max_len counts a side's tokens including EOS.
ParallelData load_parallel(const std::string& src_path, const std::string& tgt_path,
                           const Tokenizer& src_tok, const Tokenizer& tgt_tok, int max_len);
// Every pair of a split, in order, source lines behind their tags.
ParallelData load_parallel(const DataSplit& split, const Tokenizer& src_tok, const Tokenizer& tgt_tok,
                           int max_len);

// Index batches: pairs sorted by length, cut where padded source + target
// tokens would exceed budget_tokens. The batches are fixed; only their order
// changes from epoch to epoch (see epoch_order).
std::vector<std::vector<int>> make_train_batches(const ParallelData& data, int budget_tokens,
                                                 uint64_t seed);
// A permutation of batch indices for one epoch, a pure function of (seed, epoch).
std::vector<int> epoch_order(size_t batches, uint64_t seed, int epoch);

Batch gather_batch(const ParallelData& data, const std::vector<int>& indices, int pad, int bos,
                   int eos);

}  // namespace tandem
