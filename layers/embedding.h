// layers/embedding.h: token embedding scaled by sqrt(d_model), plus absolute
// positions when the model uses them (sinusoidal: a fixed table; learned: a
// trained [max_positions, d] table, "embed_positions"). Models with rope, alibi
// or relative positions add nothing here, and have no length limit from it.
// With embedding_norm, a norm follows (BART's layernorm_embedding).
// The token table is a Param owned by the model so that tied embeddings
// (decoder input = output projection, or all three) share one tensor.
#pragma once

#include "layers/layer_norm.h"
#include "layers/param.h"
#include "layers/stack_config.h"

namespace tandem {

class Rng;

class Embedding {
 public:
  struct Saved {
    LayerNorm::Saved norm;  // embedding_norm only
  };

  Embedding() = default;
  Embedding(Param* table, const StackConfig& c);

  void init(Rng& rng);  // the learned position table, if any
  // ids: [shape.rows()], y: [rows, d]. Position of row r is r % len + first_position.
  // saved: null when decoding.
  void forward(const Ids& ids, const SeqShape& shape, Matrix& y, Saved* saved,
               int first_position = 0) const;
  // dy is consumed (the norm's backward may overwrite it); grads +=.
  void backward(const Ids& ids, const SeqShape& shape, Matrix& dy, const Saved& saved);
  // The token table is named by the model (it may be tied); this adds the
  // position table and the embedding norm.
  void collect(const std::string& prefix, ParamList& out);

  int dim() const { return static_cast<int>(table_->value.cols()); }
  int vocab() const { return static_cast<int>(table_->value.rows()); }
  // Most positions a sequence may have: the table size, or unlimited without one.
  int position_limit() const;

 private:
  Param* table_ = nullptr;  // [vocab, d]
  Positions kind_ = Positions::Sinusoidal;
  Param positions_;         // [max_positions, d]; fixed for sinusoidal, empty for none
  float scale_ = 1.f;
  bool normed_ = false;
  LayerNorm norm_;
};

}  // namespace tandem
