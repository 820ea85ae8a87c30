#include "encoder/encoder_layer.h"

namespace tandem {

EncoderLayer::EncoderLayer(const StackConfig& c, PositionBias* bias)
    : self_attn_(c.self_attention(AttentionKind::Bidirectional), bias),
      ffn_(c.d_model, c.ffn_dim, c.activation),
      attn_res_(c.norm, c.norm_type, c.d_model, c.dropout),
      ffn_res_(c.norm, c.norm_type, c.d_model, c.dropout) {}

void EncoderLayer::init(Rng& rng) {
  self_attn_.init(rng);
  ffn_.init(rng);
}

void EncoderLayer::forward(const Matrix& x, const SeqShape& shape, Matrix& y, Saved* saved,
                           Rng* rng) const {
  Matrix h;
  attn_res_.forward(x, h, saved ? &saved->attn_res : nullptr, rng,
                    [&](const Matrix& in, Matrix& out) {
                      self_attn_.forward(AttentionInputs::self(in, shape), out,
                                         saved ? &saved->attn : nullptr, rng);
                    });
  ffn_res_.forward(h, y, saved ? &saved->ffn_res : nullptr, rng,
                   [&](const Matrix& in, Matrix& out) {
                     ffn_.forward(in, out, saved ? &saved->ffn : nullptr);
                   });
}

void EncoderLayer::backward(const Matrix& dy, Saved& c, const SeqShape& shape, Matrix& dx) {
  Matrix dh;
  ffn_res_.backward(dy, c.ffn_res, dh,
                    [&](const Matrix& dout, Matrix& din) { ffn_.backward(dout, c.ffn, din); });
  attn_res_.backward(dh, c.attn_res, dx, [&](const Matrix& dout, Matrix& din) {
    self_attn_.backward(dout, c.attn, shape, nullptr, din, nullptr);
  });
}

void EncoderLayer::collect(const std::string& prefix, ParamList& out) {
  self_attn_.collect(join_name(prefix, "self_attn"), out);
  attn_res_.collect(join_name(prefix, "self_attn_layer_norm"), out);
  ffn_.collect(prefix, out);
  ffn_res_.collect(join_name(prefix, "final_layer_norm"), out);
}

}  // namespace tandem
