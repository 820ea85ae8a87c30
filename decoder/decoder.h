// decoder/decoder.h: target embedding (+ positions, dropout) -> N decoder layers
// -> final layer norm (pre-norm only). Output: hidden states [batch*tgt_len, d];
// the model applies the (possibly tied) output projection.
#pragma once

#include <functional>

#include <memory>
#include <vector>

#include "decoder/decoder_layer.h"
#include "layers/embedding.h"

namespace tandem {

// Incremental decoding state: one row per live hypothesis (typed, not a string
// map). Beam search keeps it in step with its hypotheses through reorder().
struct DecoderState {
  std::vector<DecoderLayerState> layers;
  std::vector<int> row_sentence;  // [rows] sentence index of each hypothesis row
  int capacity = 0;               // most positions any row may reach
  int step = 0;                   // positions decoded so far
  std::vector<Matrix> scratch;    // reused buffers for reorder()

  int rows() const { return static_cast<int>(row_sentence.size()); }
};

class Decoder {
 public:
  struct Saved {
    Embedding::Saved embed;
    Matrix embed_drop_mask;
    std::vector<DecoderLayer::Saved> layers;
    LayerNorm::Saved final_ln;
  };

  Decoder(const StackConfig& c, Param* embed_table);

  void init(Rng& rng);
  void forward(const Ids& tgt_in, const SeqShape& tgt, const Matrix& memory, const SeqShape& src,
               Matrix& hidden, Saved* saved, Rng* rng) const;
  // Back to the state after `steps` steps: later self-attention entries are
  // dropped (overwritten by the next steps). Not with a sliding window whose
  // ring has wrapped.
  void rewind(DecoderState& state, int steps) const;
  // dmemory is overwritten with the gradient for the encoder memory.
  // layer_done(i), when given, is called once layer i's gradients are final
  // (data-parallel training starts summing them over the ranks then).
  void backward(const Matrix& dhidden, Saved& c, const Ids& tgt_in, const SeqShape& tgt,
                const SeqShape& src, Matrix& dmemory, const std::function<void(int)>& layer_done = {});
  void collect(const std::string& prefix, ParamList& out);

  // Prepares decoding of `src.batch` sentences, one hypothesis row each.
  void start(const Matrix& memory, const SeqShape& src, int capacity, DecoderState& state) const;
  // Feeds one token per row at position state.step; hidden: [rows, d].
  // cross_weights (optional): per row, the last layer's cross-attention over
  // the source, averaged over heads (for alignments).
  void step(const Ids& tokens, DecoderState& state, Matrix& hidden,
            std::vector<Eigen::VectorXf>* cross_weights = nullptr) const;
  // New row i continues old row parents[i] (beam selection; dropping finished rows).
  static void reorder(DecoderState& state, const std::vector<int>& parents);

 private:
  StackConfig config_;
  std::unique_ptr<PositionBias> bias_;  // shared by all layers; null without
  Embedding embed_;
  std::vector<DecoderLayer> layers_;
  LayerNorm final_norm_;
};

}  // namespace tandem
