// tandem/translator.h: translating and scoring with a tandem model file, the
// library face of `tandem translate` and `tandem score-pairs`. Results are the
// command line's, byte for byte. Objects are safe to use from several threads
// at once (each call decodes on the calling thread plus its own workers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tandem::api {

// How a model is loaded and run.
struct ModelOptions {
  std::string compute_type;  // "float32", "int8" or "bfloat16"; "" = what the file stores
  int threads = 0;           // threads per call (0 = all cores)
  int workers = 0;           // batches decoded at once within a call (0 = one per thread)
};

// How a call decodes; unset fields (0 or negative) take the model file's
// settings (its recipe's decode: section), then tandem's defaults.
struct DecodeOptions {
  int beam = 0;               // 1 = greedy (default 4)
  int nbest = 1;              // hypotheses returned per input, best first
  float length_penalty = -1;  // GNMT alpha (default 0.6)
  float max_len_a = -1;       // output limit a * source tokens + b
  int max_len_b = -1;
  int batch_tokens = 0;       // padded source tokens per batch (default 4096)
  int batch_size = 0;         // at most this many sentences per batch (0 = the model's, else no limit)
  std::string tag;            // a multilingual model's target-language tag, e.g. ">>de<<"
  bool return_attention = false;
};

struct Hypothesis {
  std::string text;
  float score = 0;  // length-normalized log-probability (what the beam ranks by)
  int tokens = 0;   // output tokens, EOS excluded
  // return_attention, for inputs translated in one piece: the last decoder
  // layer's cross-attention, mean over heads, row-major
  // [attention_rows = target pieces + EOS][attention_cols = source pieces + EOS];
  // each row sums to 1.
  std::vector<float> attention;
  int attention_rows = 0, attention_cols = 0;
  std::vector<std::string> source_pieces, target_pieces;
  std::string alignment;  // Moses "i-j" word alignment from the attention
};

using Result = std::vector<Hypothesis>;  // n-best list of one input

struct PairScore {
  double log_prob = 0;  // natural log, summed over the target's tokens and EOS
  float score = 0;      // log_prob / ((5 + tokens) / 6)^length_penalty
  int tokens = 0;       // target tokens + EOS
  std::vector<float> token_log_probs;  // per_token only, EOS last
};

class Translator {
 public:
  // Throws tandem::api::Error subclasses: FileError (missing, unreadable or
  // not a model file) and ValueError (bad options).
  explicit Translator(const std::string& model_path, const ModelOptions& options = {});
  ~Translator();
  Translator(Translator&&) noexcept;
  Translator& operator=(Translator&&) noexcept;

  // One n-best list per source, in order; empty sources give one empty hypothesis.
  std::vector<Result> translate_batch(const std::vector<std::string>& sources, const DecodeOptions& options = {}) const;
  // A stream: `next` supplies inputs until it returns false; `emit` receives
  // each input's result in input order as soon as its window (of `window`
  // inputs) is decoded. Memory stays bounded whatever the stream's length.
  void translate_stream(const std::function<bool(std::string&)>& next,
                        const std::function<void(int64_t, Result&&)>& emit, const DecodeOptions& options = {},
                        int window = 4096) const;
  // `tandem translate -i input -o output`: the same bytes (nbest > 1: the
  // `index ||| text ||| score` lines); the output appears only when complete.
  void translate_file(const std::string& input, const std::string& output, const DecodeOptions& options = {}) const;
  // The model's log-probability of each given translation (score-pairs).
  std::vector<PairScore> score_batch(const std::vector<std::string>& sources, const std::vector<std::string>& targets,
                                     bool per_token = false, const std::string& tag = "",
                                     float length_penalty = -1) const;
  // score_batch's lines as `tandem score-pairs` prints them.
  static std::string format_score(const PairScore& score, bool per_token, bool normalize);

  std::string compute_type() const;
  std::vector<std::string> language_tags() const;  // ">>xx<<" pieces of the source vocabulary

 private:
  friend class Summarizer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::api
