// train/evaluator.h: how a model is judged: decode a set of sources with given
// settings and score the output against references (BLEU, chrF, and ROUGE for
// summaries). Training validates and scores its test set with it; `tandem
// tune-decode` and `export --check` decode and score with the same functions.
// Evaluation always runs in float32 GEMMs, however the model was trained: the
// figures are those `tandem translate` of the saved model gives.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "metrics/bleu.h"
#include "model/seq2seq.h"
#include "search/decode_config.h"
#include "tokenizer/tokenizer.h"
#include "train/checkpoint.h"
#include "train/recipe.h"
#include "train/training_data.h"

namespace tandem {

using Say = std::function<void(const std::string&)>;

// The best hypothesis of each source (summaries: long documents split and
// joined as `tandem summarize` does).
std::vector<std::string> decode_best(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target,
                                     const DecodeConfig& decode, const std::vector<std::string>& sources,
                                     bool summarize, const Say& say = nullptr);

// BLEU and chrF; summaries add ROUGE-1, -2 and -L.
std::vector<MetricScore> score_outputs(const std::vector<std::string>& hyps, const std::vector<std::string>& refs,
                                       bool summarize);
// The mean F1 of ROUGE-1, -2 and -L: the summarization validation metric.
double mean_rouge(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);

class Evaluator {
 public:
  Evaluator(const Recipe& recipe, const Tokenizer& source, const Tokenizer& target);

  // Teacher-forced loss and perplexity, then decoding with the recipe's
  // settings scored against the raw references.
  ValidRecord validate(const Seq2Seq& model, const ValidationSet& valid, long long update, int epoch) const;
  // The recipe's early-stopping metric of a record, higher is better.
  double metric_of(const ValidRecord& v) const;

  // Decodes and scores each test pair (a multilingual model's languages
  // apart); writes RUN/test.hyp and RUN/test_scores.tsv (atomically, every
  // write checked) and adds test_<metric>[_<label>] to results.
  void score_test(const Seq2Seq& model, const std::string& run_dir, std::map<std::string, double>& results,
                  const Say& say) const;

 private:
  const Recipe& recipe_;
  const Tokenizer& source_;
  const Tokenizer& target_;
};

}  // namespace tandem
