// layers/stack_config.h: what one encoder or decoder stack needs to know,
// derived from the model config (model/config.h) so that layers/encoder/decoder
// stay below model/ in the include order.
#pragma once

#include <memory>

#include "layers/attention.h"
#include "layers/feed_forward.h"
#include "layers/residual.h"

namespace tandem {

// sinusoidal/learned: absolute, added to the token embeddings; rope, alibi and
// relative (T5 buckets): inside self-attention (layers/rope.h, position_bias.h).
enum class Positions { Sinusoidal, Learned, Rope, Alibi, Relative };

struct StackConfig {
  int d_model = 0;
  int heads = 1;
  int kv_heads = 0;  // 0 = heads
  int ffn_dim = 0;
  Activation activation = Activation::Relu;
  int layers = 0;
  NormPlacement norm = NormPlacement::Pre;
  NormType norm_type = NormType::LayerNorm;
  bool embedding_norm = false;  // a norm right after the embeddings (BART's layernorm_embedding)
  Positions positions = Positions::Sinusoidal;
  int max_positions = 0;
  int relative_buckets = 32;
  int relative_max_distance = 128;
  int sliding_window = 0;
  float dropout = 0.f;
  float attention_dropout = 0.f;

  AttentionOptions self_attention(AttentionKind kind) const {
    AttentionOptions o;
    o.kind = kind;
    o.d_model = d_model;
    o.heads = heads;
    o.kv_heads = kv_heads;
    o.dropout = attention_dropout;
    o.window = sliding_window;
    o.rope = positions == Positions::Rope;
    return o;
  }
  AttentionOptions cross_attention() const {
    AttentionOptions o = self_attention(AttentionKind::Cross);
    o.window = 0;
    o.rope = false;
    return o;
  }
  // The stack's shared position bias (alibi / relative), or null.
  std::unique_ptr<PositionBias> position_bias(bool bidirectional) const {
    if (positions == Positions::Alibi)
      return std::make_unique<PositionBias>(PositionBiasKind::Alibi, heads, bidirectional);
    if (positions == Positions::Relative)
      return std::make_unique<PositionBias>(PositionBiasKind::Relative, heads, bidirectional,
                                            relative_buckets, relative_max_distance);
    return nullptr;
  }
};

}  // namespace tandem
