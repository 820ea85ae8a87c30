#include "encoder/encoder.h"

#include "layers/dropout.h"

namespace tandem {

Encoder::Encoder(const StackConfig& c, Param* embed_table)
    : config_(c),
      bias_(c.position_bias(true)),
      embed_(embed_table, c),
      final_norm_(c.d_model, c.norm_type) {
  layers_.reserve(c.layers);
  for (int i = 0; i < c.layers; ++i) layers_.emplace_back(c, bias_.get());
}

void Encoder::init(Rng& rng) {
  embed_.init(rng);
  if (bias_) bias_->init(rng);
  for (auto& layer : layers_) layer.init(rng);
}

void Encoder::forward(const Ids& src, const SeqShape& shape, Matrix& memory, Saved* saved,
                      Rng* rng) const {
  Matrix x, y, unused_mask;
  embed_.forward(src, shape, x, saved ? &saved->embed : nullptr);
  dropout_forward(x, config_.dropout, rng, saved ? saved->embed_drop_mask : unused_mask);
  if (saved) saved->layers.resize(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i].forward(x, shape, y, saved ? &saved->layers[i] : nullptr, rng);
    x.swap(y);
  }
  if (config_.norm == NormPlacement::Pre) {
    final_norm_.forward(x, memory, saved ? &saved->final_ln : nullptr);
  } else {
    memory = std::move(x);
  }
}

void Encoder::backward(const Matrix& dmemory, Saved& c, const Ids& src, const SeqShape& shape,
                       const std::function<void(int)>& layer_done) {
  Matrix dx, dy;
  if (config_.norm == NormPlacement::Pre) {
    final_norm_.backward(dmemory, c.final_ln, dx);
  } else {
    dx = dmemory;
  }
  for (size_t i = layers_.size(); i-- > 0;) {
    layers_[i].backward(dx, c.layers[i], shape, dy);
    dx.swap(dy);
    if (layer_done) layer_done(static_cast<int>(i));
  }
  dropout_backward(dx, c.embed_drop_mask);
  embed_.backward(src, shape, dx, c.embed);
}

void Encoder::collect(const std::string& prefix, ParamList& out) {
  embed_.collect(prefix, out);
  if (bias_) bias_->collect(prefix, out);
  for (size_t i = 0; i < layers_.size(); ++i)
    layers_[i].collect(join_name(prefix, "layers/" + std::to_string(i)), out);
  if (config_.norm == NormPlacement::Pre) final_norm_.collect(join_name(prefix, "layer_norm"), out);
}

}  // namespace tandem
