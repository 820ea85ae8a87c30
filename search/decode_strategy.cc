#include "search/decode_strategy.h"

namespace tandem {

std::vector<std::vector<Hypothesis>> DecodeStrategy::decode(const std::vector<const Segment*>& batch,
                                                            SpeculativeStats* speculative) const {
  std::vector<Ids> sources;
  std::vector<uint64_t> keys;
  for (const Segment* s : batch) {
    sources.push_back(s->ids);
    keys.push_back(s->key);
  }
  if (draft_) return speculative_greedy(model_, *draft_, sources, options_, ids_, draft_tokens_, speculative);
  return decode_batch(model_, sources, options_, ids_, keys);
}

}  // namespace tandem
