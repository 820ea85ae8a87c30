// tests/model/tiny_model.h: the tiny configs and batch the model tests share.
#pragma once

#include "model/seq2seq.h"

namespace tandem::test {

inline ModelConfig tiny_config(NormPlacement norm, TieEmbeddings tie, Activation act) {
  ModelConfig c;
  c.d_model = 16;
  c.heads = 2;
  c.ffn_dim = 32;
  c.ffn_activation = act;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.norm = norm;
  c.max_positions = 64;
  c.dropout = 0.f;
  c.attention_dropout = 0.f;
  c.tie_embeddings = tie;
  c.src_vocab_size = tie == TieEmbeddings::All ? 13 : 11;
  c.tgt_vocab_size = 13;
  return c;
}

// Two sentence pairs of different lengths, so both sides carry padding.
// Ids avoid 0 (pad); 1 = bos, 2 = eos here.
inline Batch tiny_batch() {
  return make_batch({{3, 4, 5, 6, 7}, {8, 9, 10}}, {{3, 5, 7}, {4, 6, 8, 10, 12, 11}}, 0, 1, 2);
}

}  // namespace tandem::test
