// tokenizer/vocab_trainer.h: trains a SentencePiece model in memory, with
// tandem's fixed special ids: pad 0, bos 1, eos 2, unk 3.
#pragma once

#include <string>
#include <vector>

namespace tandem {

constexpr int kPadId = 0, kBosId = 1, kEosId = 2, kUnkId = 3;

struct VocabOptions {
  std::string type = "unigram";     // unigram | bpe
  int size = 8000;                  // an upper bound: small corpora may give fewer pieces
  float character_coverage = 1.0f;  // 1.0 keeps every character of the training text
  int max_sentences = 2000000;      // sampled when the text has more lines
  unsigned seed = 1;
  // Pieces kept whole and given their own ids (denoising's <mask> and sentinels).
  std::vector<std::string> reserved;
};

// Returns the serialized model (what a .model file holds). `lines` is the raw
// training text; empty lines are ignored.
std::string train_vocab(const std::vector<std::string>& lines, const VocabOptions& options);

}  // namespace tandem
