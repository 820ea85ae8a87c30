// decoder/decoder_layer.h: causal self-attention, cross-attention over the
// encoder memory, feed-forward; each in a residual wrapper. Names follow
// fairseq: self_attn(_layer_norm), encoder_attn(_layer_norm), fc1, fc2,
// final_layer_norm.
#pragma once

#include "layers/attention.h"
#include "layers/stack_config.h"

namespace tandem {

// Incremental-decoding state of one layer (no gradients).
struct DecoderLayerState {
  SelfKV self;    // grows by one position per step, per hypothesis row
  CrossKV cross;  // per sentence, computed once
};

class DecoderLayer {
 public:
  struct Saved {
    Residual::Saved self_res, cross_res, ffn_res;
    MultiHeadAttention::Saved self_attn, cross_attn;
    FeedForward::Saved ffn;
  };

  // bias: the stack's shared position bias, or null.
  DecoderLayer(const StackConfig& c, PositionBias* bias);

  void init(Rng& rng);
  // x: [tgt rows, d]; memory: [src rows, d].
  void forward(const Matrix& x, const SeqShape& tgt, const Matrix& memory, const SeqShape& src,
               Matrix& y, Saved* saved, Rng* rng) const;
  // dmemory receives (+=) this layer's gradient for the memory.
  void backward(const Matrix& dy, Saved& c, const SeqShape& tgt, const SeqShape& src, Matrix& dx,
                Matrix& dmemory);
  void collect(const std::string& prefix, ParamList& out);

  void start(const Matrix& memory, const SeqShape& src, DecoderLayerState& state) const;
  // x: [rows, d] for the current position; row_sentence maps rows to sentences.
  // cross_weights (optional): per row, cross-attention averaged over heads.
  void step(const Matrix& x, DecoderLayerState& state, int capacity,
            const std::vector<int>& row_sentence, Matrix& y,
            std::vector<Eigen::VectorXf>* cross_weights = nullptr) const;

 private:
  MultiHeadAttention self_attn_, cross_attn_;
  FeedForward ffn_;
  Residual self_res_, cross_res_, ffn_res_;
};

}  // namespace tandem
