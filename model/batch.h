// model/batch.h: one padded training/scoring batch of sentence pairs.
#pragma once

#include "core/tensor.h"

namespace tandem {

struct Batch {
  Ids src;           // [src_shape.rows()], padded with pad_id
  SeqShape src_shape;
  Ids tgt_in;        // [tgt_shape.rows()], BOS y1 .. yn, padded
  Ids tgt_out;       // [tgt_shape.rows()], y1 .. yn EOS, padded (pad = ignored by the loss)
  SeqShape tgt_shape;
};

// Builds a padded batch from per-sentence ids. tgt sentences get BOS prepended
// for the input and EOS appended for the output; sources are taken as given.
Batch make_batch(const std::vector<Ids>& src, const std::vector<Ids>& tgt, int pad_id, int bos_id,
                 int eos_id);

}  // namespace tandem
