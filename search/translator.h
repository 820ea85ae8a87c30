// search/translator.h: text in, text out. Tokenizes lines, sorts them into
// token-budget batches, decodes, detokenizes, and returns results in input
// order. Empty lines give empty results without decoding. A line longer than
// the model's source positions is cut into pieces at token boundaries, each
// piece translated and the outputs joined; this is reported, never silent.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/seq2seq.h"
#include "search/beam_search.h"
#include "search/speculative.h"
#include "tokenizer/tokenizer.h"

namespace tandem {

// Cross-attention of one translated line (SearchOptions::record_attention).
struct AttentionRecord {
  Matrix weights;                           // [target pieces + EOS, source pieces + EOS]
  std::vector<std::string> source_pieces;   // EOS excluded
  std::vector<std::string> target_pieces;
  std::vector<int> source_words, target_words;  // word index of each piece
};

struct TextHypothesis {
  std::string text;
  float score = 0;
  int tokens = 0;  // output tokens, EOS excluded
  // record_attention only, and only for lines translated in one piece:
  std::string alignment;  // Moses "i-j" word pairs (search/alignment.h)
  AttentionRecord attention;
};

struct TranslateStats {
  int sentences = 0;       // lines decoded so far (empty ones included)
  long long output_tokens = 0;
};

class Translator {
 public:
  using Progress = std::function<void(const TranslateStats&, int total_lines)>;
  using Warn = std::function<void(const std::string&)>;

  Translator(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target,
             const SearchOptions& options, int batch_tokens, int batch_sentences = 0);

  // Batches decoded at the same time, each on one thread (CTranslate2's
  // inter_threads); 1 = one batch at a time using all threads. Output is in
  // input order either way.
  void set_workers(int workers) { workers_ = workers; }
  // Speculative greedy decoding with `draft` proposing `tokens` at a time
  // (search/speculative.h); null = plain decoding. Counts go to stats().
  void set_draft(const Seq2Seq* draft, int tokens) { draft_ = draft, draft_tokens_ = tokens; }
  const SpeculativeStats& speculative_stats() const { return speculative_stats_; }

  // One n-best list per line (size 1 for split lines and empty lines).
  std::vector<std::vector<TextHypothesis>> translate(const std::vector<std::string>& lines,
                                                     const Progress& progress = nullptr,
                                                     const Warn& warn = nullptr) const;

  // Longest source (in tokens, EOS excluded) the model takes in one piece.
  int max_source_tokens() const { return model_.config().position_limit() - 1; }
  int count_tokens(const std::string& text) const {
    return static_cast<int>(source_.encode(text).size());
  }

 private:
  void attach_attention(const Ids& source, const Hypothesis& h, TextHypothesis& out) const;

  const Seq2Seq& model_;
  const Tokenizer& source_;
  const Tokenizer& target_;
  SearchOptions options_;
  int batch_tokens_;
  int batch_sentences_;
  int workers_ = 1;
  const Seq2Seq* draft_ = nullptr;
  int draft_tokens_ = 0;
  mutable SpeculativeStats speculative_stats_;
};

}  // namespace tandem
