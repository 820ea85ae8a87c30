// decoder/decoder.h: target embedding (+ positions, dropout) -> N decoder layers
// -> final layer norm (pre-norm only). Output: hidden states [batch*tgt_len, d];
// the model applies the (possibly tied) output projection.
#pragma once

#include <vector>

#include "decoder/decoder_layer.h"
#include "layers/embedding.h"

namespace tandem {

class Decoder {
 public:
  struct Cache {
    Matrix embed_drop_mask;
    std::vector<DecoderLayer::Cache> layers;
    LayerNorm::Cache final_ln;
  };

  Decoder(const StackConfig& c, Param* embed_table);

  void init(Rng& rng);
  void forward(const Ids& tgt_in, const SeqShape& tgt, const Matrix& memory, const SeqShape& src,
               Matrix& hidden, Cache* cache, Rng* rng) const;
  // dmemory is overwritten with the gradient for the encoder memory.
  void backward(const Matrix& dhidden, Cache& c, const Ids& tgt_in, const SeqShape& tgt,
                const SeqShape& src, Matrix& dmemory);
  void collect(const std::string& prefix, ParamList& out);

 private:
  StackConfig config_;
  Embedding embed_;
  std::vector<DecoderLayer> layers_;
  LayerNorm final_norm_;
};

}  // namespace tandem
