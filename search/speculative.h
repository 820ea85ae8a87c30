// search/speculative.h: speculative greedy decoding. A small draft model
// (same target vocabulary) proposes up to K tokens with its own KV cache; the
// main model scores the proposals in one causal pass over the prefix and keeps
// the longest prefix that agrees with its own greedy choices, plus the token
// it chose where they first disagree (or one more after all K). Every kept
// token is the main model's greedy choice under the same constraints
// (search/step_rules.h), so the output is greedy decoding of the main model;
// the draft only decides how many tokens one main pass yields.
#pragma once

#include <vector>

#include "model/seq2seq.h"
#include "search/beam_search.h"

namespace tandem {

struct SpeculativeStats {
  long long proposed = 0;       // draft tokens offered for verification
  long long accepted = 0;       // of those, kept
  long long main_passes = 0;    // verification passes of the main model
  long long output_tokens = 0;  // tokens produced, EOS included

  void add(const SpeculativeStats& o) {
    proposed += o.proposed, accepted += o.accepted, main_passes += o.main_passes,
        output_tokens += o.output_tokens;
  }
};

// Greedy (beam 1, no sampling) hypotheses for each source, as decode_batch
// would give them, one sentence at a time. draft_tokens >= 1.
std::vector<std::vector<Hypothesis>> speculative_greedy(const Seq2Seq& model, const Seq2Seq& draft,
                                                        const std::vector<Ids>& sources,
                                                        const SearchOptions& options,
                                                        const SpecialIds& ids, int draft_tokens,
                                                        SpeculativeStats* stats = nullptr);

}  // namespace tandem
