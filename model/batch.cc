#include "model/batch.h"

#include <algorithm>

#include "core/error.h"

namespace tandem {

Batch make_batch(const std::vector<Ids>& src, const std::vector<Ids>& tgt, int pad_id, int bos_id,
                 int eos_id) {
  TANDEM_CHECK(src.size() == tgt.size() && !src.empty())
      << "make_batch: " << src.size() << " sources and " << tgt.size() << " targets";
  Batch b;
  const int n = static_cast<int>(src.size());
  b.src_shape.batch = b.tgt_shape.batch = n;
  for (int i = 0; i < n; ++i) {
    TANDEM_CHECK(!src[i].empty()) << "make_batch: source sentence " << i << " is empty";
    b.src_shape.lengths.push_back(static_cast<int>(src[i].size()));
    b.tgt_shape.lengths.push_back(static_cast<int>(tgt[i].size()) + 1);
  }
  b.src_shape.len = *std::max_element(b.src_shape.lengths.begin(), b.src_shape.lengths.end());
  b.tgt_shape.len = *std::max_element(b.tgt_shape.lengths.begin(), b.tgt_shape.lengths.end());
  b.src.assign(b.src_shape.rows(), pad_id);
  b.tgt_in.assign(b.tgt_shape.rows(), pad_id);
  b.tgt_out.assign(b.tgt_shape.rows(), pad_id);
  for (int i = 0; i < n; ++i) {
    std::copy(src[i].begin(), src[i].end(), b.src.begin() + i * b.src_shape.len);
    const int row = i * b.tgt_shape.len;
    b.tgt_in[row] = bos_id;
    std::copy(tgt[i].begin(), tgt[i].end(), b.tgt_in.begin() + row + 1);
    std::copy(tgt[i].begin(), tgt[i].end(), b.tgt_out.begin() + row);
    b.tgt_out[row + tgt[i].size()] = eos_id;
  }
  return b;
}

}  // namespace tandem
