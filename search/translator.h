// search/translator.h: text in, text out, through the translation pipeline:
// segmenter (tokenize; an input longer than the model's source positions is
// cut into pieces, reported, never silent) -> batches (sorted by length,
// within a token budget, over every input of a window) -> decode strategy
// (beam, greedy, sampling, speculative) on W workers -> assembler (pieces
// joined, text, alignments; results back in input order). Empty inputs give
// empty results without decoding. A list is translated as one window; a
// stream is read window by window, each result handed on as soon as its
// window is done, so memory stays bounded whatever the input's length.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/input_source.h"
#include "model/seq2seq.h"
#include "search/assembler.h"
#include "search/beam_search.h"
#include "search/speculative.h"
#include "tokenizer/tokenizer.h"

namespace tandem {

struct TranslateStats {
  int64_t sentences = 0;       // inputs finished so far (empty ones included)
  long long output_tokens = 0;
};

struct StreamOptions {
  // The most inputs decoded together (their batches are cut from all of them).
  int window = 4096;
  // Once a window has its first input, how long to wait for more before
  // decoding what has arrived (an interactive stdin gets its line back at
  // once; a file fills whole windows); -1: always fill the window.
  int max_wait_ms = 20;
  int64_t total = -1;  // inputs expected, for progress (-1: unknown)
};

class Translator {
 public:
  using Progress = std::function<void(const TranslateStats&, int64_t total_inputs)>;
  using Warn = std::function<void(const std::string&)>;
  // Receives each input's n-best list, in input order.
  using Sink = std::function<void(int64_t input, std::vector<TextHypothesis>&& nbest)>;

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
  // The same over a stream, window by window (StreamOptions); the results are
  // those translate() gives for the whole input.
  // window_done (optional) runs after each window's results were emitted: a
  // writer flushes there.
  void translate_stream(InputSource& input, const Sink& emit, const StreamOptions& stream,
                        const Progress& progress = nullptr, const Warn& warn = nullptr,
                        const std::function<void()>& window_done = nullptr) const;

  // Longest source (in tokens, EOS excluded) the model takes in one piece.
  int max_source_tokens() const { return model_.config().position_limit() - 1; }
  int count_tokens(const std::string& text) const { return static_cast<int>(source_.encode(text).size()); }

 private:
  // Decodes one window's segments on the workers, into the assembler.
  void decode_window(const std::vector<Segment>& segments, Assembler& assembler, TranslateStats& stats,
                     const std::function<void()>& on_batch) const;

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
