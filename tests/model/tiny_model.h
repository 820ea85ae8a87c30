// tests/model/tiny_model.h: the tiny configs and batch the model tests share.
#pragma once

#include <string>
#include <vector>

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

// The model variants of DESIGN.md §3 on top of tiny_config (pre-norm, tied
// decoder, gelu), by name; "" is the plain sinusoidal model.
inline ModelConfig tiny_variant(const std::string& name) {
  ModelConfig c = tiny_config(NormPlacement::Pre, TieEmbeddings::Decoder, Activation::Gelu);
  if (name == "learned") c.positions = Positions::Learned;
  if (name == "rope") c.positions = Positions::Rope;
  if (name == "alibi") c.positions = Positions::Alibi;
  if (name == "relative") c.positions = Positions::Relative;
  if (name == "gqa_kv1") c.kv_heads = 1;
  if (name == "window2") c.sliding_window = 2;
  if (name == "t5") {  // the t5-style preset's choices
    c.positions = Positions::Relative;
    c.norm_type = NormType::RmsNorm;
    c.relative_buckets = 8;
    c.relative_max_distance = 16;
  }
  if (name == "bart") {  // the bart-style preset's choices
    c.positions = Positions::Learned;
    c.norm = NormPlacement::Post;
    c.embedding_norm = true;
    c.tie_embeddings = TieEmbeddings::All;
    c.src_vocab_size = c.tgt_vocab_size;
  }
  if (name == "all") {  // everything that combines at once
    c.heads = 4;
    c.kv_heads = 2;
    c.positions = Positions::Rope;
    c.sliding_window = 3;
    c.norm_type = NormType::RmsNorm;
  }
  return c;
}

inline const std::vector<std::string>& tiny_variant_names() {
  static const std::vector<std::string> names = {"learned", "rope",  "alibi", "relative", "gqa_kv1",
                                                 "window2", "t5",    "bart",  "all"};
  return names;
}

// Two sentence pairs of different lengths, so both sides carry padding.
// Ids avoid 0 (pad); 1 = bos, 2 = eos here.
inline Batch tiny_batch() {
  return make_batch({{3, 4, 5, 6, 7}, {8, 9, 10}}, {{3, 5, 7}, {4, 6, 8, 10, 12, 11}}, 0, 1, 2);
}

}  // namespace tandem::test
