// search/search_options.h: everything that steers decoding, with defaults.
#pragma once

#include <cstdint>

namespace tandem {

// The widest beam accepted: wider searches are no better and their cost grows
// with the beam; the bound keeps a typo from asking for gigabytes.
constexpr int kMaxBeam = 1024;


enum class Sampling { None, TopK, TopP };

struct SearchOptions {
  int beam = 4;
  int nbest = 1;
  // GNMT length normalization (Wu et al. 2016): a finished hypothesis with
  // log-probability s and L output tokens (EOS included) scores
  //   s / ((5 + L) / 6)^alpha;   alpha = 0 turns it off (raw log-probability).
  float length_penalty = 0.6f;
  // At most floor(max_len_a * src_len + max_len_b) output tokens, EOS included
  // (src_len counts the source's EOS), and never more than max_positions.
  float max_len_a = 1.5f;
  int max_len_b = 10;
  int min_len = 1;          // output tokens before EOS may be chosen; 1 = never empty
  int no_repeat_ngram = 0;  // 0 = off; N bans any n-gram of size N occurring twice
  Sampling sampling = Sampling::None;
  int top_k = 0;
  float top_p = 1.f;
  float temperature = 1.f;
  uint64_t seed = 1;
  // Keep each hypothesis' cross-attention (last decoder layer, mean over heads).
  bool record_attention = false;
  // Batches decoded at the same time (Translator workers): their caches share
  // the machine's memory, so the memory check counts all of them.
  int concurrent_batches = 1;
};

}  // namespace tandem
