#include "decoder/decoder_layer.h"

namespace tandem {

DecoderLayer::DecoderLayer(const StackConfig& c, PositionBias* bias)
    : self_attn_(c.self_attention(AttentionKind::Causal), bias),
      cross_attn_(c.cross_attention()),
      ffn_(c.d_model, c.ffn_dim, c.activation),
      self_res_(c.norm, c.norm_type, c.d_model, c.dropout),
      cross_res_(c.norm, c.norm_type, c.d_model, c.dropout),
      ffn_res_(c.norm, c.norm_type, c.d_model, c.dropout) {}

void DecoderLayer::init(Rng& rng) {
  self_attn_.init(rng);
  cross_attn_.init(rng);
  ffn_.init(rng);
}

void DecoderLayer::forward(const Matrix& x, const SeqShape& tgt, const Matrix& memory,
                           const SeqShape& src, Matrix& y, Saved* saved, Rng* rng) const {
  Matrix h1, h2;
  self_res_.forward(x, h1, saved ? &saved->self_res : nullptr, rng,
                    [&](const Matrix& in, Matrix& out) {
                      self_attn_.forward(AttentionInputs::self(in, tgt), out,
                                         saved ? &saved->self_attn : nullptr, rng);
                    });
  cross_res_.forward(h1, h2, saved ? &saved->cross_res : nullptr, rng,
                     [&](const Matrix& in, Matrix& out) {
                       cross_attn_.forward(AttentionInputs::cross(in, tgt, memory, src), out,
                                           saved ? &saved->cross_attn : nullptr, rng);
                     });
  ffn_res_.forward(h2, y, saved ? &saved->ffn_res : nullptr, rng,
                   [&](const Matrix& in, Matrix& out) {
                     ffn_.forward(in, out, saved ? &saved->ffn : nullptr);
                   });
}

void DecoderLayer::backward(const Matrix& dy, Saved& c, const SeqShape& tgt, const SeqShape& src,
                            Matrix& dx, Matrix& dmemory) {
  Matrix dh2, dh1;
  ffn_res_.backward(dy, c.ffn_res, dh2,
                    [&](const Matrix& dout, Matrix& din) { ffn_.backward(dout, c.ffn, din); });
  cross_res_.backward(dh2, c.cross_res, dh1, [&](const Matrix& dout, Matrix& din) {
    cross_attn_.backward(dout, c.cross_attn, tgt, &src, din, &dmemory);
  });
  self_res_.backward(dh1, c.self_res, dx, [&](const Matrix& dout, Matrix& din) {
    self_attn_.backward(dout, c.self_attn, tgt, nullptr, din, nullptr);
  });
}

void DecoderLayer::start(const Matrix& memory, const SeqShape& src,
                         DecoderLayerState& state) const {
  state.self = SelfKV{};
  cross_attn_.precompute_cross(memory, src, state.cross);
}

void DecoderLayer::step(const Matrix& x, DecoderLayerState& state, int capacity,
                        const std::vector<int>& row_sentence, Matrix& y,
                        std::vector<Eigen::VectorXf>* cross_weights) const {
  Matrix h1, h2;
  self_res_.forward(x, h1, nullptr, nullptr, [&](const Matrix& in, Matrix& out) {
    self_attn_.step_self(in, state.self, capacity, out);
  });
  cross_res_.forward(h1, h2, nullptr, nullptr, [&](const Matrix& in, Matrix& out) {
    cross_attn_.step_cross(in, state.cross, row_sentence, out, cross_weights);
  });
  ffn_res_.forward(h2, y, nullptr, nullptr,
                   [&](const Matrix& in, Matrix& out) { ffn_.forward(in, out, nullptr); });
}

void DecoderLayer::collect(const std::string& prefix, ParamList& out) {
  self_attn_.collect(join_name(prefix, "self_attn"), out);
  self_res_.collect(join_name(prefix, "self_attn_layer_norm"), out);
  cross_attn_.collect(join_name(prefix, "encoder_attn"), out);
  cross_res_.collect(join_name(prefix, "encoder_attn_layer_norm"), out);
  ffn_.collect(prefix, out);
  ffn_res_.collect(join_name(prefix, "final_layer_norm"), out);
}

}  // namespace tandem
