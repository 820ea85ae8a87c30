#include "decoder/decoder.h"

#include "layers/dropout.h"

namespace tandem {

Decoder::Decoder(const StackConfig& c, Param* embed_table)
    : config_(c), embed_(embed_table, c.max_positions), final_norm_(c.d_model) {
  layers_.reserve(c.layers);
  for (int i = 0; i < c.layers; ++i) layers_.emplace_back(c);
}

void Decoder::init(Rng& rng) {
  for (auto& layer : layers_) layer.init(rng);
}

void Decoder::forward(const Ids& tgt_in, const SeqShape& tgt, const Matrix& memory,
                      const SeqShape& src, Matrix& hidden, Cache* cache, Rng* rng) const {
  Matrix x, y, unused_mask;
  embed_.forward(tgt_in, tgt, x);
  dropout_forward(x, config_.dropout, rng, cache ? cache->embed_drop_mask : unused_mask);
  if (cache) cache->layers.resize(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i].forward(x, tgt, memory, src, y, cache ? &cache->layers[i] : nullptr, rng);
    x.swap(y);
  }
  if (config_.norm == NormPlacement::Pre) {
    final_norm_.forward(x, hidden, cache ? &cache->final_ln : nullptr);
  } else {
    hidden = std::move(x);
  }
}

void Decoder::backward(const Matrix& dhidden, Cache& c, const Ids& tgt_in, const SeqShape& tgt,
                       const SeqShape& src, Matrix& dmemory) {
  Matrix dx, dy;
  if (config_.norm == NormPlacement::Pre) {
    final_norm_.backward(dhidden, c.final_ln, dx);
  } else {
    dx = dhidden;
  }
  dmemory = Matrix::Zero(src.rows(), config_.d_model);
  for (size_t i = layers_.size(); i-- > 0;) {
    layers_[i].backward(dx, c.layers[i], tgt, src, dy, dmemory);
    dx.swap(dy);
  }
  dropout_backward(dx, c.embed_drop_mask);
  embed_.backward(tgt_in, dx);
}

void Decoder::collect(const std::string& prefix, ParamList& out) {
  for (size_t i = 0; i < layers_.size(); ++i)
    layers_[i].collect(join_name(prefix, "layers/" + std::to_string(i)), out);
  if (config_.norm == NormPlacement::Pre) final_norm_.collect(join_name(prefix, "layer_norm"), out);
}

}  // namespace tandem
