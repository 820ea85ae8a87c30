// layers/attention.h: multi-head scaled dot-product attention in three modes.
//   Bidirectional: self-attention, keys masked past each sentence's length (encoder).
//   Causal:        self-attention, query i sees keys 0..i within the length (decoder).
//   Cross:         decoder queries over encoder memory, memory padding masked.
// Separate q/k/v/out projections with bias (fairseq/BART naming). Probabilities
// of each (sentence, head) are kept for backward; this is the plain path that a
// tiled (flash-style) kernel will be checked against (#6). Grouped-query heads
// and windows (#6) will enter through `valid_keys` and the k/v projection sizes.
#pragma once

#include <vector>

#include "layers/kv_cache.h"
#include "layers/linear.h"

namespace tandem {

enum class AttentionKind { Bidirectional, Causal, Cross };

class MultiHeadAttention {
 public:
  struct Cache {
    Matrix xq, xkv;                     // inputs; xkv empty for self-attention
    Matrix q, k, v;                     // [rows, d] projections
    std::vector<Matrix> probs;          // [batch*heads] of [Lq, Lk], before dropout
    std::vector<Matrix> dropped;        // same, after dropout (empty when off)
    Matrix drop_mask;                   // [batch*heads*Lq, Lk] factors, empty when off
    Matrix context;                     // [q rows, d] heads concatenated
  };

  MultiHeadAttention() = default;
  MultiHeadAttention(AttentionKind kind, int d, int heads, float attention_dropout);

  void init(Rng& rng);
  // xq: [qs.rows(), d]; memory: [ks.rows(), d] for Cross, ignored otherwise.
  void forward(const Matrix& xq, const SeqShape& qs, const Matrix* memory, const SeqShape* ks,
               Matrix& y, Cache* cache, Rng* rng) const;
  // dx: gradient for xq; dmemory (Cross only): gradient for memory, added into.
  void backward(const Matrix& dy, Cache& c, const SeqShape& qs, const SeqShape* ks, Matrix& dx,
                Matrix* dmemory);
  void collect(const std::string& prefix, ParamList& out);

  // Incremental decoding (no gradients). x: [rows, d], one query per hypothesis.
  // Causal self-attention: appends this step's k/v to `kv` and attends over all
  // kv.len + 1 positions. `capacity` sizes the cache on the first step.
  void step_self(const Matrix& x, SelfKV& kv, int capacity, Matrix& y) const;
  // Cross-attention: projects each sentence's memory once.
  void precompute_cross(const Matrix& memory, const SeqShape& src, CrossKV& kv) const;
  // row_sentence[r]: which sentence of `kv` hypothesis row r belongs to.
  void step_cross(const Matrix& x, const CrossKV& kv, const std::vector<int>& row_sentence,
                  Matrix& y) const;

  AttentionKind kind() const { return kind_; }
  int heads() const { return heads_; }

  // How many leading keys query row i (0-based within its sentence) may see.
  int valid_keys(int i, int key_length) const {
    return kind_ == AttentionKind::Causal ? std::min(i + 1, key_length) : key_length;
  }

 private:
  AttentionKind kind_ = AttentionKind::Bidirectional;
  int heads_ = 1, head_dim_ = 1;
  float dropout_ = 0.f;
  Linear q_proj_, k_proj_, v_proj_, out_proj_;
};

}  // namespace tandem
