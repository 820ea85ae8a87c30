// layers/kv_cache.h: the typed decoding state of one attention layer.
// Self-attention keys/values grow by one row per step, per hypothesis (their
// buffers grow in doubling chunks up to `slots`, so a batch whose outputs stop
// early never touches the memory its output limit would allow); cross-
// attention keys/values over the encoder memory are computed once per sentence
// and shared by all hypotheses (beams) of that sentence.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace tandem {

struct SelfKV {
  std::vector<Matrix> k, v;  // per hypothesis row: [allocated <= slots, d]; rows 0..len-1 are filled
  int len = 0;               // steps so far (the same for every row)
  int slots = 0;             // positions held: the output limit, or the sliding window (a ring)
};

struct CrossKV {
  std::vector<Matrix> k, v;  // per sentence: [src_length, d]
};

}  // namespace tandem
