// search/beam_search.h: decoding a batch of sources with the model's KV-cached
// decoder step: beam search, greedy (beam 1 fast path) and sampling.
//
// Beam search keeps `beam` open hypotheses per sentence. Each step takes the
// best 2*beam candidates per sentence (over-fetch, so hypotheses that end with
// EOS can be set aside without starving the beam), moves EOS candidates to the
// finished list and keeps the best `beam` others. A sentence stops once it has
// `nbest` finished hypotheses and no open one can still beat them: with
// log-probabilities <= 0 and an increasing length penalty, an open hypothesis
// with score s can reach at most s / lp(max_len). Finished sentences leave the
// batch (their decoder rows are dropped).
#pragma once

#include <vector>

#include "model/seq2seq.h"
#include "search/search_options.h"

namespace tandem {

struct Hypothesis {
  Ids tokens;           // output tokens, without BOS and EOS
  float score = 0;      // length-normalized (what hypotheses are ranked by)
  float log_prob = 0;   // sum of token log-probabilities, EOS included
  // With SearchOptions::record_attention: per output step (EOS included), the
  // last decoder layer's cross-attention over the source tokens (EOS included),
  // averaged over heads.
  std::vector<Eigen::VectorXf> attention;
};

struct SpecialIds {
  int pad = 0, bos = 1, eos = 2;
};

// sources: token ids per sentence (each ending with EOS, non-empty).
// sentence_keys: per sentence, a number that fixes its sampling stream (e.g. its
// line index), so sampled output does not depend on batching. May be empty.
// Returns per sentence up to nbest hypotheses, best first.
std::vector<std::vector<Hypothesis>> decode_batch(const Seq2Seq& model,
                                                  const std::vector<Ids>& sources,
                                                  const SearchOptions& options,
                                                  const SpecialIds& ids,
                                                  const std::vector<uint64_t>& sentence_keys = {});

// The maximum number of output tokens (EOS included) for a source length.
int max_output_length(const SearchOptions& options, int src_len, int max_positions);
float length_penalty(float alpha, int length);

}  // namespace tandem
