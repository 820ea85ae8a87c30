// kernels/attention_kernels.h: softmax(scale * q k^T + bias) v for one
// (sentence, head), in two implementations that tests hold to each other:
//   plain: the whole [Lq, Lk] probability matrix, kept for backward;
//   tiled: flash-attention style (Dao et al. 2022) over kTile x kTile blocks
//          with a running max and sum per query row. Forward keeps only the
//          output and one log-sum-exp per row; backward recomputes each block.
//          Peak extra memory is O(kTile^2), independent of the lengths.
// Which keys a query sees (padding, causality, window) and the position bias
// are described by HeadGeometry, so every attention variant shares these.
#pragma once

#include "kernels/gemm.h"
#include "kernels/softmax.h"

namespace tandem {

constexpr int kTile = 64;

struct HeadGeometry {
  float scale = 1.f;
  bool causal = false;
  int window = 0;        // 0 = unlimited; else |key - query| < window (causal: the last window)
  int key_length = 0;    // real (unpadded) keys
  int query_offset = 0;  // position of query row 0
  // Optional bias by delta = key position - query position: bias[delta - min_delta].
  const float* bias = nullptr;
  int min_delta = 0;

  // The keys query row i may see; never empty (padded query rows see like the last real one).
  KeyRange keys(int i) const {
    const int p = std::min(query_offset + i, key_length - 1);
    int hi = causal ? p + 1 : key_length;
    int lo = 0;
    if (window > 0) {
      lo = std::max(0, p - window + 1);
      if (!causal) hi = std::min(key_length, p + window);
    }
    return {lo, hi};
  }
  float bias_at(int i, int j) const {
    return bias ? bias[j - (query_offset + i) - min_delta] : 0.f;
  }
};

// probs: [lq, lk] after softmax (masked entries exactly 0).
void attention_probs_plain(ConstBlockRef q, ConstBlockRef k, const HeadGeometry& g, Matrix& probs);
// From dprobs (gradient w.r.t. the probabilities) to dscores (w.r.t. the logits),
// in place; dbias (nullable, laid out like g.bias) receives += per delta.
void attention_probs_backward(const Matrix& probs, Matrix& dprobs_to_dscores,
                              const HeadGeometry& g, float* dbias);

// out: [lq, dh]; lse: [lq] log-sum-exp of each row's logits.
void attention_tiled_forward(ConstBlockRef q, ConstBlockRef k, ConstBlockRef v,
                             const HeadGeometry& g, BlockRef out, float* lse);
// dq is overwritten; dk, dv and dbias (nullable) are added into, so heads that
// share keys and values (grouped-query attention) can accumulate.
void attention_tiled_backward(ConstBlockRef q, ConstBlockRef k, ConstBlockRef v,
                              ConstBlockRef out, ConstBlockRef dout, const float* lse,
                              const HeadGeometry& g, BlockRef dq, BlockRef dk, BlockRef dv,
                              float* dbias);

}  // namespace tandem
