// layers/attention.h: multi-head scaled dot-product attention in three modes.
//   Bidirectional: self-attention, keys masked past each sentence's length (encoder).
//   Causal:        self-attention, query i sees keys 0..i within the length (decoder).
//   Cross:         decoder queries over encoder memory, memory padding masked.
// Separate q/k/v/out projections with bias (fairseq/BART naming). Variants
// (DESIGN.md §3), all on self-attention only:
//   grouped-query: kv_heads key/value heads, each shared by heads/kv_heads query
//     heads (1 = multi-query); k_proj/v_proj shrink to kv_heads * head_dim;
//   sliding window: see HeadGeometry::keys (kernels/attention_kernels.h);
//   rope: queries and keys rotated by position (layers/rope.h);
//   position bias: ALiBi or T5 buckets (layers/position_bias.h), owned by the stack.
// Grouped-query attention applies to cross-attention too.
#pragma once

#include <vector>

#include "kernels/attention_kernels.h"
#include "layers/kv_cache.h"
#include "layers/linear.h"
#include "layers/position_bias.h"

namespace tandem {

enum class AttentionKind { Bidirectional, Causal, Cross };

// Which implementation forward/backward use. Auto: tiled beyond
// kTiledFromKeys keys, plain up to there, where it is up to 1.2x faster and its
// [Lq, Lk] probabilities are small (bench/RESULTS.md: equal speed from ~1k keys,
// 0.12 vs 512 MB of workspace at 4096). Attention dropout always uses the plain
// path, whose probabilities it needs.
enum class AttentionImpl { Auto, Plain, Tiled };
constexpr int kTiledFromKeys = 512;
void set_attention_impl(AttentionImpl impl);  // process-wide; for tests and benchmarks
AttentionImpl attention_impl();

struct AttentionOptions {
  AttentionKind kind = AttentionKind::Bidirectional;
  int d_model = 0;
  int heads = 1;
  int kv_heads = 0;  // 0 = heads
  float dropout = 0.f;
  int window = 0;     // self-attention: 0 = full
  bool rope = false;  // self-attention
};

// What a forward pass attends from and to: the queries [shape.rows(), d] and,
// for cross-attention, the encoder memory [memory_shape.rows(), d].
struct AttentionInputs {
  const Matrix& queries;
  const SeqShape& shape;
  const Matrix* memory = nullptr;
  const SeqShape* memory_shape = nullptr;

  static AttentionInputs self(const Matrix& x, const SeqShape& shape) {
    return {x, shape, nullptr, nullptr};
  }
  static AttentionInputs cross(const Matrix& x, const SeqShape& shape, const Matrix& memory,
                               const SeqShape& memory_shape) {
    return {x, shape, &memory, &memory_shape};
  }
};

class MultiHeadAttention {
 public:
  struct Saved {
    Matrix xq, xkv;                     // inputs; xkv empty for self-attention
    Matrix q, k, v;                     // projections (rotated for rope)
    bool tiled = false;
    std::vector<Matrix> probs;          // plain: [batch*heads] of [Lq, Lk], before dropout
    std::vector<Matrix> dropped;        // plain: same, after dropout (empty when off)
    Matrix drop_mask;                   // [batch*heads*Lq, Lk] factors, empty when off
    Matrix lse;                         // tiled: [batch*heads, Lq] row log-sum-exp
    Matrix bias;                        // [heads, deltas] position bias, empty without
    int min_delta = 0;
    Matrix context;                     // [q rows, heads*head_dim]
  };

  MultiHeadAttention() = default;
  // bias: shared position bias (may be null); must outlive this layer.
  MultiHeadAttention(const AttentionOptions& options, PositionBias* bias = nullptr);

  void init(Rng& rng);
  // y: [queries rows, d]. saved: null when nothing is kept for backward
  // (decoding, validation); rng: null in evaluation (no dropout).
  void forward(const AttentionInputs& in, Matrix& y, Saved* saved, Rng* rng) const;
  // dx: gradient for xq; dmemory (Cross only): gradient for memory, added into.
  void backward(const Matrix& dy, Saved& c, const SeqShape& qs, const SeqShape* ks, Matrix& dx,
                Matrix* dmemory);
  void collect(const std::string& prefix, ParamList& out);

  // Incremental decoding (no gradients). x: [rows, d], one query per hypothesis.
  // Causal self-attention: stores this step's (rotated) k/v and attends over the
  // cached positions; with a window the cache is a ring of `window` slots.
  // `capacity` sizes the cache on the first step.
  void step_self(const Matrix& x, SelfKV& kv, int capacity, Matrix& y) const;
  // Cross-attention: projects each sentence's memory once.
  void precompute_cross(const Matrix& memory, const SeqShape& src, CrossKV& kv) const;
  // row_sentence[r]: which sentence of `kv` hypothesis row r belongs to.
  // weights (optional): per row, the attention over that sentence's source
  // positions averaged over heads.
  void step_cross(const Matrix& x, const CrossKV& kv, const std::vector<int>& row_sentence,
                  Matrix& y, std::vector<Eigen::VectorXf>* weights = nullptr) const;

  AttentionKind kind() const { return options_.kind; }
  int heads() const { return options_.heads; }
  int kv_heads() const { return kv_heads_; }
  int head_dim() const { return head_dim_; }

 private:
  HeadGeometry geometry(int key_length, const Saved& c, int head) const;
  bool use_tiled(int key_len, bool dropout_on) const;

  AttentionOptions options_;
  int kv_heads_ = 1, head_dim_ = 1;
  float scale_ = 1.f;  // 1 / sqrt(head_dim)
  PositionBias* bias_ = nullptr;
  Linear q_proj_, k_proj_, v_proj_, out_proj_;
};

}  // namespace tandem
