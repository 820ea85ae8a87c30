#include "decoder/decoder.h"

#include <algorithm>

#include "core/error.h"
#include "layers/dropout.h"

namespace tandem {

Decoder::Decoder(const StackConfig& c, Param* embed_table)
    : config_(c),
      bias_(c.position_bias(false)),
      embed_(embed_table, c),
      final_norm_(c.d_model, c.norm_type) {
  layers_.reserve(c.layers);
  for (int i = 0; i < c.layers; ++i) layers_.emplace_back(c, bias_.get());
}

void Decoder::init(Rng& rng) {
  embed_.init(rng);
  if (bias_) bias_->init(rng);
  for (auto& layer : layers_) layer.init(rng);
}

void Decoder::forward(const Ids& tgt_in, const SeqShape& tgt, const Matrix& memory,
                      const SeqShape& src, Matrix& hidden, Saved* saved, Rng* rng) const {
  Matrix x, y, unused_mask;
  embed_.forward(tgt_in, tgt, x, saved ? &saved->embed : nullptr);
  dropout_forward(x, config_.dropout, rng, saved ? saved->embed_drop_mask : unused_mask);
  if (saved) saved->layers.resize(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i].forward(x, tgt, memory, src, y, saved ? &saved->layers[i] : nullptr, rng);
    x.swap(y);
  }
  if (config_.norm == NormPlacement::Pre) {
    final_norm_.forward(x, hidden, saved ? &saved->final_ln : nullptr);
  } else {
    hidden = std::move(x);
  }
}

void Decoder::backward(const Matrix& dhidden, Saved& c, const Ids& tgt_in, const SeqShape& tgt,
                       const SeqShape& src, Matrix& dmemory, const std::function<void(int)>& layer_done) {
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
    if (layer_done) layer_done(static_cast<int>(i));
  }
  dropout_backward(dx, c.embed_drop_mask);
  embed_.backward(tgt_in, tgt, dx, c.embed);
}

void Decoder::start(const Matrix& memory, const SeqShape& src, int capacity,
                    DecoderState& state) const {
  TANDEM_CHECK(capacity <= embed_.position_limit())
      << "decoding " << capacity << " positions exceeds max_positions " << embed_.position_limit();
  state.layers.resize(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i) layers_[i].start(memory, src, state.layers[i]);
  state.row_sentence.resize(src.batch);
  for (int b = 0; b < src.batch; ++b) state.row_sentence[b] = b;
  state.capacity = capacity;
  state.step = 0;
}

void Decoder::step(const Ids& tokens, DecoderState& state, Matrix& hidden,
                   std::vector<Eigen::VectorXf>* cross_weights) const {
  const int rows = state.rows();
  TANDEM_CHECK(static_cast<int>(tokens.size()) == rows)
      << "decoder step: " << tokens.size() << " tokens for " << rows << " rows";
  TANDEM_CHECK(state.step < state.capacity)
      << "decoder step " << state.step << " beyond capacity " << state.capacity;
  SeqShape one{rows, 1, std::vector<int>(rows, 1)};
  Matrix x, y;
  embed_.forward(tokens, one, x, nullptr, state.step);
  for (size_t i = 0; i < layers_.size(); ++i) {
    const bool last = i + 1 == layers_.size();
    layers_[i].step(x, state.layers[i], state.capacity, state.row_sentence, y,
                    last ? cross_weights : nullptr);
    x.swap(y);
  }
  if (config_.norm == NormPlacement::Pre) {
    final_norm_.forward(x, hidden, nullptr);
  } else {
    hidden = std::move(x);
  }
  ++state.step;
}

void Decoder::rewind(DecoderState& state, int steps) const {
  TANDEM_CHECK(steps >= 0 && steps <= state.step)
      << "decoder rewind to step " << steps << " of " << state.step;
  TANDEM_CHECK(config_.sliding_window == 0 || state.step <= config_.sliding_window)
      << "decoder rewind: the sliding-window cache has wrapped";
  for (auto& layer : state.layers) layer.self.len = steps;
  state.step = steps;
}

void Decoder::reorder(DecoderState& state, const std::vector<int>& parents) {
  const int filled = state.step;
  // The first child of each parent takes the parent's buffer as it is (a
  // swap, no copy); only further children of the same parent copy its filled
  // rows. A beam whose hypotheses keep their own lines copies nothing.
  std::vector<int> owner(parents.empty() ? 0 : *std::max_element(parents.begin(), parents.end()) + 1, -1);
  auto gather = [&](std::vector<Matrix>& cache) {
    std::vector<Matrix>& out = state.scratch;  // last step's buffers, reused
    out.resize(parents.size());
    std::fill(owner.begin(), owner.end(), -1);
    for (size_t i = 0; i < parents.size(); ++i) {
      const int p = parents[i];
      if (owner[p] >= 0) continue;
      owner[p] = static_cast<int>(i);
      out[i].swap(cache[p]);
    }
    for (size_t i = 0; i < parents.size(); ++i) {
      const int first = owner[parents[i]];
      if (first == static_cast<int>(i)) continue;
      const Matrix& src = out[first];
      if (out[i].rows() != src.rows() || out[i].cols() != src.cols()) out[i].resize(src.rows(), src.cols());
      const Eigen::Index n = std::min<Eigen::Index>(filled, src.rows());  // a window's ring
      out[i].topRows(n) = src.topRows(n);
    }
    cache.swap(out);
  };
  for (auto& layer : state.layers) {
    if (layer.self.k.empty()) continue;
    gather(layer.self.k);
    gather(layer.self.v);
  }
  std::vector<int> sentence(parents.size());
  for (size_t i = 0; i < parents.size(); ++i) sentence[i] = state.row_sentence[parents[i]];
  state.row_sentence.swap(sentence);
}

void Decoder::collect(const std::string& prefix, ParamList& out) {
  embed_.collect(prefix, out);
  if (bias_) bias_->collect(prefix, out);
  for (size_t i = 0; i < layers_.size(); ++i)
    layers_[i].collect(join_name(prefix, "layers/" + std::to_string(i)), out);
  if (config_.norm == NormPlacement::Pre) final_norm_.collect(join_name(prefix, "layer_norm"), out);
}

}  // namespace tandem
