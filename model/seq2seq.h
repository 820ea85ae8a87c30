// model/seq2seq.h: the whole encoder-decoder: embeddings (possibly tied),
// encoder, decoder and output projection, with forward and backward over a
// padded batch. Parameters are listed once, under PyTorch/fairseq-style names.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "decoder/decoder.h"
#include "encoder/encoder.h"
#include "kernels/cross_entropy.h"
#include "model/batch.h"
#include "model/config.h"

namespace tandem {

class Seq2Seq {
 public:
  struct Saved {
    Encoder::Saved encoder;
    Decoder::Saved decoder;
    Matrix memory;  // [src rows, d]
    Matrix hidden;  // [tgt rows, d] decoder output before the projection
  };

  explicit Seq2Seq(const ModelConfig& config);
  Seq2Seq(const Seq2Seq&) = delete;
  Seq2Seq& operator=(const Seq2Seq&) = delete;

  // Random initialization, reproducible from the seed.
  void init(uint64_t seed);

  // logits: [tgt rows, tgt_vocab]. saved null for inference; rng null = eval mode (no dropout).
  void forward(const Batch& batch, Matrix& logits, Saved* saved, Rng* rng) const;
  // Adds the gradients of the loss whose gradient w.r.t. logits is `dlogits`.
  void backward(const Batch& batch, const Matrix& dlogits, Saved& saved);

  // One training pass over a batch: forward (dropout from `rng`, null = none),
  // the fused output projection + label-smoothed loss in row chunks (no
  // [tokens, vocab] logits kept), and backward; adds the gradients of
  // grad_scale * loss_sum. Same result as forward + loss + backward.
  // gradients_ready(prefix), when given, is called as backward finishes the
  // gradients of the parameters whose names start with prefix, in the order
  // of gradient_ready_order() (data-parallel training overlaps its sums with
  // the rest of backward).
  LossStats forward_backward(const Batch& batch, Rng* rng, float label_smoothing, float grad_scale,
                             const std::function<void(const std::string&)>& gradients_ready = {});
  // "decoder/layers/N-1/", ..., "decoder/layers/0/", "decoder/",
  // "encoder/layers/M-1/", ..., "encoder/": the order backward finishes them.
  std::vector<std::string> gradient_ready_order() const;
  // The loss alone, in eval mode (validation).
  LossStats evaluate_loss(const Batch& batch, float label_smoothing) const;

  // Inference pieces for search/: encode once, then one decoder step at a time.
  void encode(const Ids& src, const SeqShape& shape, Matrix& memory) const;
  void start_decoding(const Matrix& memory, const SeqShape& src, int capacity,
                      DecoderState& state) const;
  // logits: [state.rows(), tgt_vocab] for the next token of every row.
  // cross_weights (optional): per row, the last decoder layer's cross-attention
  // over the source, averaged over heads.
  void decode_step(const Ids& last_tokens, DecoderState& state, Matrix& logits,
                   std::vector<Eigen::VectorXf>* cross_weights = nullptr) const;

  // Prepares every projection weight (and the output projection) for
  // decoding in `type`: converted and packed once (kernels/packed_weight.h).
  // Training ignores it; decode_step, encode and the layers' forward use it.
  // One way: the weights' values become their rounded selves (an int8 model
  // behaves exactly like one loaded from its exported file).
  void set_compute_type(ComputeType type);
  ComputeType compute_type() const { return compute_type_; }

  // The logits of the last `last` positions of one target prefix (`tokens`
  // starts with BOS), decoded in one causal pass over the whole prefix against
  // one sentence's encoder memory: what speculative decoding verifies drafts with.
  void score_prefix(const Matrix& memory, const SeqShape& src, const Ids& tokens, int last,
                    Matrix& logits) const;
  // Forgets the decoding steps after the first `steps` (every row).
  void rewind_decoding(DecoderState& state, int steps) const;

  void zero_grad();
  const ParamList& params() const { return params_; }
  // Names that refer to a tensor listed under another name (tied embeddings):
  // {alias, canonical}.
  const std::vector<std::pair<std::string, std::string>>& aliases() const { return aliases_; }
  const ModelConfig& config() const { return config_; }
  int64_t parameter_count() const;

 private:
  // Encoder and decoder up to the hidden states (c.memory, c.hidden); `keep`
  // saves the activations backward needs.
  void forward_hidden(const Batch& batch, Saved& c, bool keep, Rng* rng) const;

  ModelConfig config_;
  Param src_embed_, tgt_embed_, out_proj_;
  Param* src_table_;
  Param* tgt_table_;
  Param* out_table_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<Decoder> decoder_;
  ParamList params_;
  ComputeType compute_type_ = ComputeType::Float32;
  std::vector<std::pair<std::string, std::string>> aliases_;
};

}  // namespace tandem
