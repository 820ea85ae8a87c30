// search/pair_scorer.h: the model's log-probability of *given* translations
// (fairseq's --score-reference, marian-scorer, CTranslate2's score_batch).
// Each pair is tokenized as translation does (source + EOS; target + EOS),
// batched by length within a token budget, and run through the decoder in
// one teacher-forced pass; a token's score is its log-softmax entry, the
// same number beam search adds up for it, so scoring a beam's output gives
// back the beam's own log-probability and length-normalized score.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/seq2seq.h"
#include "search/beam_search.h"
#include "tokenizer/tokenizer.h"

namespace tandem {

struct PairScore {
  double log_prob = 0;  // sum over the target's tokens and EOS
  float score = 0;      // log_prob / GNMT length penalty: what beam search ranks by
  int tokens = 0;       // target tokens + EOS
  std::vector<float> token_log_probs;  // per token, EOS last (when asked for)
};

// The token-level core: sources end with EOS, targets do not (EOS is scored
// after them). Pairs are batched by length within batch_tokens.
std::vector<PairScore> score_token_pairs(const Seq2Seq& model, const std::vector<Ids>& sources,
                                         const std::vector<Ids>& targets, const SpecialIds& ids, int batch_tokens,
                                         float length_penalty, bool per_token);

class PairScorer {
 public:
  // length_penalty: the alpha of `score` (the decoder's --length-penalty).
  PairScorer(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target, int batch_tokens,
             float length_penalty);

  // One score per pair, in order. A source or target longer than the model's
  // positions is an error naming its line (first_line = the first pair's
  // line number), never cut silently. `prefix` goes before each source (a
  // multilingual model's target-language tag).
  std::vector<PairScore> score(const std::vector<std::string>& sources, const std::vector<std::string>& targets,
                               bool per_token, int64_t first_line = 1, const std::string& prefix = "") const;

 private:
  const Seq2Seq& model_;
  const Tokenizer& source_;
  const Tokenizer& target_;
  int batch_tokens_;
  float length_penalty_;
};

}  // namespace tandem
