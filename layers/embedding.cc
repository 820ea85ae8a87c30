#include "layers/embedding.h"

#include <climits>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "layers/positions.h"

namespace tandem {

Embedding::Embedding(Param* table, const StackConfig& c)
    : table_(table),
      kind_(c.positions),
      scale_(std::sqrt(static_cast<float>(table->value.cols()))),
      normed_(c.embedding_norm),
      norm_(static_cast<int>(table->value.cols()), c.norm_type) {
  const int d = static_cast<int>(table->value.cols());
  if (kind_ == Positions::Sinusoidal) {
    positions_.value = sinusoidal_table(c.max_positions, d);
  } else if (kind_ == Positions::Learned) {
    positions_.resize(c.max_positions, d);
  }
}

void Embedding::init(Rng& rng) {
  if (kind_ != Positions::Learned) return;
  // N(0, d^-1/2), as fairseq's learned positional embeddings.
  const auto s = rng.next();
  const float stddev = 1.f / std::sqrt(static_cast<float>(dim()));
  for (Eigen::Index i = 0; i < positions_.value.size(); ++i)
    positions_.value.data()[i] = s.normal(i) * stddev;
}

int Embedding::position_limit() const {
  return positions_.value.rows() > 0 ? static_cast<int>(positions_.value.rows()) : INT_MAX;
}

void Embedding::forward(const Ids& ids, const SeqShape& shape, Matrix& y, Saved* saved,
                        int first_position) const {
  const int rows = shape.rows();
  TANDEM_CHECK(static_cast<int>(ids.size()) == rows) << "embedding: " << ids.size() << " ids for "
                                                     << rows << " rows";
  TANDEM_CHECK(first_position + shape.len <= position_limit())
      << "sequence of " << first_position + shape.len << " positions exceeds max_positions "
      << position_limit();
  const bool absolute = positions_.value.rows() > 0;
  y.resize(rows, dim());
  for (int r = 0; r < rows; ++r) {
    const int id = ids[r];
    TANDEM_CHECK(id >= 0 && id < vocab()) << "token id " << id << " outside vocabulary of "
                                          << vocab();
    y.row(r) = table_->value.row(id) * scale_;
    if (absolute) y.row(r) += positions_.value.row(first_position + r % shape.len);
  }
  if (normed_) {
    Matrix raw;
    raw.swap(y);
    norm_.forward(raw, y, saved ? &saved->norm : nullptr);
  }
}

void Embedding::backward(const Ids& ids, const SeqShape& shape, Matrix& dy, const Saved& saved) {
  if (normed_) {
    Matrix dnorm;
    norm_.backward(dy, saved.norm, dnorm);
    dy.swap(dnorm);
  }
  for (Eigen::Index r = 0; r < dy.rows(); ++r) table_->gradient().row(ids[r]) += dy.row(r) * scale_;
  if (kind_ == Positions::Learned)
    for (Eigen::Index r = 0; r < dy.rows(); ++r) positions_.gradient().row(r % shape.len) += dy.row(r);
}

void Embedding::collect(const std::string& prefix, ParamList& out) {
  if (kind_ == Positions::Learned) out.push_back({join_name(prefix, "embed_positions/weight"), &positions_});
  if (normed_) norm_.collect(join_name(prefix, "layernorm_embedding"), out);
}

}  // namespace tandem
