// encoder/encoder_layer.h: bidirectional self-attention + feed-forward, each in
// a residual wrapper (pre- or post-norm). Names follow fairseq: self_attn,
// self_attn_layer_norm, fc1, fc2, final_layer_norm.
#pragma once

#include "layers/attention.h"
#include "layers/stack_config.h"

namespace tandem {

class EncoderLayer {
 public:
  struct Saved {
    Residual::Saved attn_res, ffn_res;
    MultiHeadAttention::Saved attn;
    FeedForward::Saved ffn;
  };

  // bias: the stack's shared position bias, or null.
  EncoderLayer(const StackConfig& c, PositionBias* bias);

  void init(Rng& rng);
  void forward(const Matrix& x, const SeqShape& shape, Matrix& y, Saved* saved, Rng* rng) const;
  void backward(const Matrix& dy, Saved& c, const SeqShape& shape, Matrix& dx);
  void collect(const std::string& prefix, ParamList& out);

 private:
  MultiHeadAttention self_attn_;
  FeedForward ffn_;
  Residual attn_res_, ffn_res_;
};

}  // namespace tandem
