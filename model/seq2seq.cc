#include "model/seq2seq.h"

#include <cmath>

#include "core/error.h"
#include "core/profile.h"
#include "core/rng.h"
#include "kernels/gemm.h"
#include "kernels/projected_cross_entropy.h"

namespace tandem {
namespace {

constexpr const char* kSrcEmbed = "encoder/embed_tokens/weight";
constexpr const char* kTgtEmbed = "decoder/embed_tokens/weight";
constexpr const char* kOutProj = "decoder/output_projection/weight";

void init_normal(Param& p, float stddev, Rng& rng) {
  const auto s = rng.next();
  float* w = p.value.data();
  for (Eigen::Index i = 0; i < p.value.size(); ++i) w[i] = s.normal(i) * stddev;
}

}  // namespace

Seq2Seq::Seq2Seq(const ModelConfig& config) : config_(config) {
  config_.validate("model config");
  const int d = config_.d_model;
  src_embed_.resize(config_.src_vocab_size, d);
  src_table_ = &src_embed_;
  params_.push_back({kSrcEmbed, src_table_});
  if (config_.tie_embeddings == TieEmbeddings::All) {
    tgt_table_ = src_table_;
    aliases_.emplace_back(kTgtEmbed, kSrcEmbed);
  } else {
    tgt_embed_.resize(config_.tgt_vocab_size, d);
    tgt_table_ = &tgt_embed_;
    params_.push_back({kTgtEmbed, tgt_table_});
  }
  if (config_.tie_embeddings == TieEmbeddings::None) {
    out_proj_.resize(config_.tgt_vocab_size, d);
    out_table_ = &out_proj_;
    params_.push_back({kOutProj, out_table_});
  } else {
    out_table_ = tgt_table_;
    aliases_.emplace_back(kOutProj, config_.tie_embeddings == TieEmbeddings::All ? kSrcEmbed
                                                                               : kTgtEmbed);
  }
  out_table_->is_gemm_weight = true;
  encoder_ = std::make_unique<Encoder>(config_.encoder_stack(), src_table_);
  decoder_ = std::make_unique<Decoder>(config_.decoder_stack(), tgt_table_);
  encoder_->collect("encoder", params_);
  decoder_->collect("decoder", params_);
}

void Seq2Seq::init(uint64_t seed) {
  Rng rng(seed);
  // Embeddings ~ N(0, d^-1/2) as in fairseq, so that sqrt(d) scaling gives unit variance.
  const float stddev = 1.f / std::sqrt(static_cast<float>(config_.d_model));
  init_normal(src_embed_, stddev, rng);
  if (tgt_table_ == &tgt_embed_) init_normal(tgt_embed_, stddev, rng);
  if (out_table_ == &out_proj_) init_normal(out_proj_, stddev, rng);
  // The pad row carries no signal (fairseq's padding_idx).
  src_table_->value.row(config_.pad_id).setZero();
  tgt_table_->value.row(config_.pad_id).setZero();
  encoder_->init(rng);
  decoder_->init(rng);
}

void Seq2Seq::forward_hidden(const Batch& batch, Saved& c, bool keep, Rng* rng) const {
  encoder_->forward(batch.src, batch.src_shape, c.memory, keep ? &c.encoder : nullptr, rng);
  decoder_->forward(batch.tgt_in, batch.tgt_shape, c.memory, batch.src_shape, c.hidden,
                    keep ? &c.decoder : nullptr, rng);
}

void Seq2Seq::forward(const Batch& batch, Matrix& logits, Saved* saved, Rng* rng) const {
  Saved local;
  Saved& c = saved ? *saved : local;
  forward_hidden(batch, c, saved != nullptr, rng);
  logits.resize(c.hidden.rows(), out_table_->value.rows());
  // Inference (scoring given pairs) projects as decoding does, in the
  // compute type; training always multiplies the float weights.
  if (!saved && out_table_->packed) out_table_->packed->multiply(c.hidden, logits);
  else gemm(c.hidden, Trans::No, out_table_->value, Trans::Yes, logits);
}

void Seq2Seq::backward(const Batch& batch, const Matrix& dlogits, Saved& c) {
  gemm(dlogits, Trans::Yes, c.hidden, Trans::No, out_table_->gradient(), 1.f, 1.f);
  Matrix dhidden(c.hidden.rows(), c.hidden.cols()), dmemory;
  gemm(dlogits, Trans::No, out_table_->value, Trans::No, dhidden);
  decoder_->backward(dhidden, c.decoder, batch.tgt_in, batch.tgt_shape, batch.src_shape, dmemory);
  encoder_->backward(dmemory, c.encoder, batch.src, batch.src_shape);
}

LossStats Seq2Seq::forward_backward(const Batch& batch, Rng* rng, float label_smoothing, float grad_scale,
                                   const std::function<void(const std::string&)>& gradients_ready) {
  Saved c;
  profile::set_backward(false);
  forward_hidden(batch, c, true, rng);
  Matrix dhidden, dmemory;
  const LossStats s = projected_cross_entropy(c.hidden, out_table_->value, batch.tgt_out, config_.pad_id,
                                              label_smoothing, {&dhidden, &out_table_->gradient(), grad_scale});
  profile::set_backward(true);
  std::function<void(int)> decoder_layer_done, encoder_layer_done;
  if (gradients_ready) {
    decoder_layer_done = [&](int i) { gradients_ready("decoder/layers/" + std::to_string(i) + "/"); };
    encoder_layer_done = [&](int i) { gradients_ready("encoder/layers/" + std::to_string(i) + "/"); };
  }
  decoder_->backward(dhidden, c.decoder, batch.tgt_in, batch.tgt_shape, batch.src_shape, dmemory,
                     decoder_layer_done);
  // Every parameter is named under decoder/ or encoder/. A table tied across
  // both sides is encoder/embed_tokens (the decoder's names are aliases), so
  // "decoder/" never releases a table the encoder still adds to.
  if (gradients_ready) gradients_ready("decoder/");
  encoder_->backward(dmemory, c.encoder, batch.src, batch.src_shape, encoder_layer_done);
  if (gradients_ready) gradients_ready("encoder/");
  profile::set_backward(false);
  return s;
}

std::vector<std::string> Seq2Seq::gradient_ready_order() const {
  std::vector<std::string> order;
  for (int i = config_.decoder_layers; i-- > 0;) order.push_back("decoder/layers/" + std::to_string(i) + "/");
  order.push_back("decoder/");
  for (int i = config_.encoder_layers; i-- > 0;) order.push_back("encoder/layers/" + std::to_string(i) + "/");
  order.push_back("encoder/");
  return order;
}

LossStats Seq2Seq::evaluate_loss(const Batch& batch, float label_smoothing) const {
  Saved c;
  forward_hidden(batch, c, false, nullptr);
  return projected_cross_entropy(c.hidden, out_table_->value, batch.tgt_out, config_.pad_id,
                                 label_smoothing, {});
}

void Seq2Seq::encode(const Ids& src, const SeqShape& shape, Matrix& memory) const {
  encoder_->forward(src, shape, memory, nullptr, nullptr);
}

void Seq2Seq::start_decoding(const Matrix& memory, const SeqShape& src, int capacity,
                             DecoderState& state) const {
  decoder_->start(memory, src, capacity, state);
}

void Seq2Seq::decode_step(const Ids& last_tokens, DecoderState& state, Matrix& logits,
                          std::vector<Eigen::VectorXf>* cross_weights) const {
  Matrix hidden;
  decoder_->step(last_tokens, state, hidden, cross_weights);
  logits.resize(hidden.rows(), out_table_->value.rows());
  if (out_table_->packed) out_table_->packed->multiply(hidden, logits);
  else gemm(hidden, Trans::No, out_table_->value, Trans::Yes, logits);
}

void Seq2Seq::score_prefix(const Matrix& memory, const SeqShape& src, const Ids& tokens, int last,
                           Matrix& logits) const {
  const int n = static_cast<int>(tokens.size());
  TANDEM_CHECK(src.batch == 1 && last >= 1 && last <= n)
      << "score_prefix: one sentence and 1.." << n << " positions, got " << src.batch << " and " << last;
  const SeqShape tgt{1, n, {n}};
  Matrix hidden;
  decoder_->forward(tokens, tgt, memory, src, hidden, nullptr, nullptr);
  const auto rows = hidden.bottomRows(last);
  logits.resize(last, out_table_->value.rows());
  if (out_table_->packed) out_table_->packed->multiply(rows, logits);
  else gemm(rows, Trans::No, out_table_->value, Trans::Yes, logits);
}

void Seq2Seq::rewind_decoding(DecoderState& state, int steps) const { decoder_->rewind(state, steps); }

void Seq2Seq::set_compute_type(ComputeType type) {
  auto prepare = [type](Param& p) {
    // Weights read from an int8 file keep their stored integers.
    if (p.packed && p.packed->type() == type) return;
    // float32 multiplies `value` through gemm: packing it too measured no
    // faster (bench/RESULTS.md) and would hold a second copy of every weight.
    if (type == ComputeType::Float32) {
      p.packed.reset();
      return;
    }
    p.packed = std::make_shared<const PackedWeight>(p.value, type);
    // Lookups in a tied embedding table see the same rounded weights as the
    // products, exactly as when the model is loaded from an exported file.
    p.value = p.packed->effective_weight();
  };
  for (auto& p : params_)
    if (p.param->is_gemm_weight) prepare(*p.param);
  compute_type_ = type;
}

void Seq2Seq::zero_grad() {
  for (auto& p : params_) p.param->gradient().setZero();
}

int64_t Seq2Seq::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : params_) n += p.param->value.size();
  return n;
}

}  // namespace tandem
