// layers/embedding.h: token embedding scaled by sqrt(d_model), plus positions.
// The table is a Param owned by the model so that tied embeddings (decoder
// input = output projection, or all three) share one tensor and one gradient.
#pragma once

#include "layers/param.h"

namespace tandem {

class Embedding {
 public:
  Embedding() = default;
  Embedding(Param* table, int max_positions);

  // ids: [shape.rows()], y: [rows, d]. Position of row r is r % len + first_position.
  void forward(const Ids& ids, const SeqShape& shape, Matrix& y, int first_position = 0) const;
  void backward(const Ids& ids, const Matrix& dy);  // table grad +=

  int dim() const { return static_cast<int>(table_->value.cols()); }
  int vocab() const { return static_cast<int>(table_->value.rows()); }
  int max_positions() const { return static_cast<int>(positions_.rows()); }

 private:
  Param* table_ = nullptr;  // [vocab, d]
  Matrix positions_;        // [max_positions, d], fixed
  float scale_ = 1.f;
};

}  // namespace tandem
