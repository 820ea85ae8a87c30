// encoder/encoder.h: token embedding (+ positions, dropout) -> N encoder layers
// -> final layer norm (pre-norm only, as in fairseq). Output: the memory that
// the decoder's cross-attention reads, [batch*src_len, d].
#pragma once

#include <functional>

#include <memory>
#include <vector>

#include "encoder/encoder_layer.h"
#include "layers/embedding.h"

namespace tandem {

class Encoder {
 public:
  struct Saved {
    Embedding::Saved embed;
    Matrix embed_drop_mask;
    std::vector<EncoderLayer::Saved> layers;
    LayerNorm::Saved final_ln;
  };

  Encoder(const StackConfig& c, Param* embed_table);

  void init(Rng& rng);
  void forward(const Ids& src, const SeqShape& shape, Matrix& memory, Saved* saved,
               Rng* rng) const;
  // layer_done(i): as Decoder::backward.
  void backward(const Matrix& dmemory, Saved& c, const Ids& src, const SeqShape& shape,
                const std::function<void(int)>& layer_done = {});
  // Collects layer params; the embedding table is named by the model (it may be tied).
  void collect(const std::string& prefix, ParamList& out);

  const Embedding& embedding() const { return embed_; }

 private:
  StackConfig config_;
  std::unique_ptr<PositionBias> bias_;  // shared by all layers; null without
  Embedding embed_;
  std::vector<EncoderLayer> layers_;
  LayerNorm final_norm_;
};

}  // namespace tandem
