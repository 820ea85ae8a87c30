#include "layers/embedding.h"

#include <cmath>

#include "core/error.h"
#include "layers/positions.h"

namespace tandem {

Embedding::Embedding(Param* table, int max_positions)
    : table_(table),
      positions_(sinusoidal_table(max_positions, static_cast<int>(table->value.cols()))),
      scale_(std::sqrt(static_cast<float>(table->value.cols()))) {}

void Embedding::forward(const Ids& ids, const SeqShape& shape, Matrix& y,
                        int first_position) const {
  const int rows = shape.rows();
  TANDEM_CHECK(static_cast<int>(ids.size()) == rows) << "embedding: " << ids.size() << " ids for "
                                                     << rows << " rows";
  TANDEM_CHECK(first_position + shape.len <= max_positions())
      << "sequence of " << first_position + shape.len << " positions exceeds max_positions "
      << max_positions();
  y.resize(rows, dim());
  for (int r = 0; r < rows; ++r) {
    const int id = ids[r];
    TANDEM_CHECK(id >= 0 && id < vocab()) << "token id " << id << " outside vocabulary of "
                                          << vocab();
    y.row(r) = table_->value.row(id) * scale_ + positions_.row(first_position + r % shape.len);
  }
}

void Embedding::backward(const Ids& ids, const Matrix& dy) {
  for (Eigen::Index r = 0; r < dy.rows(); ++r) table_->grad.row(ids[r]) += dy.row(r) * scale_;
}

}  // namespace tandem
