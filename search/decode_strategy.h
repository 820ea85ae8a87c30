// search/decode_strategy.h: the decoding stage of the translation pipeline:
// one batch of segments in, n-best hypotheses out, by whichever search the
// options ask for: beam search, greedy, sampling (search/beam_search.h) or
// speculative greedy with a draft model (search/speculative.h).
#pragma once

#include <vector>

#include "search/beam_search.h"
#include "search/segmenter.h"
#include "search/speculative.h"

namespace tandem {

class DecodeStrategy {
 public:
  DecodeStrategy(const Seq2Seq& model, const SearchOptions& options, const SpecialIds& ids,
                 const Seq2Seq* draft = nullptr, int draft_tokens = 0)
      : model_(model), options_(options), ids_(ids), draft_(draft), draft_tokens_(draft_tokens) {}

  // Batches decoded at the same time elsewhere (their caches share memory).
  void set_concurrent_batches(int n) { options_.concurrent_batches = n; }
  const SearchOptions& options() const { return options_; }

  // The n-best of each segment of the batch, in batch order. Sampling streams
  // are keyed by Segment::key, so sampled output does not depend on how
  // segments were batched.
  std::vector<std::vector<Hypothesis>> decode(const std::vector<const Segment*>& batch,
                                              SpeculativeStats* speculative) const;

 private:
  const Seq2Seq& model_;
  SearchOptions options_;
  SpecialIds ids_;
  const Seq2Seq* draft_;
  int draft_tokens_;
};

}  // namespace tandem
