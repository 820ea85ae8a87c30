// search/batching.h: groups sentences into decoding batches. Sentences are
// sorted by length (so little padding is decoded), then cut into batches whose
// padded source size (sentences x longest) stays within a token budget and,
// when max_sentences > 0, whose size stays within that many sentences.
#pragma once

#include <vector>

namespace tandem {

// Returns batches of indices into `lengths`; every index appears exactly once.
// A sentence longer than the budget gets a batch of its own.
std::vector<std::vector<int>> batches_by_length(const std::vector<int>& lengths, int budget_tokens,
                                                int max_sentences = 0);

}  // namespace tandem
