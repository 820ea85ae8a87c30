#include "train/evaluator.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/duration.h"
#include "io/atomic_file.h"
#include "kernels/gemm.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "search/summarizer.h"
#include "search/translator.h"

namespace tandem {
namespace {

// Two untagged test pairs may share a target file name: number the repeats.
std::vector<std::string> unique_labels(const DataSplit& split) {
  std::vector<std::string> labels;
  for (const auto& part : split) {
    const std::string base = part.label();
    std::string label = base;
    for (int n = 2; std::count(labels.begin(), labels.end(), label) > 0; ++n) label = base + "_" + std::to_string(n);
    labels.push_back(label);
  }
  return labels;
}

// "test_BLEU de" -> "test_bleu_de": a results key.
std::string result_key(std::string key) {
  for (auto& c : key) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return key;
}

}  // namespace

std::vector<std::string> decode_best(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target,
                                     const DecodeConfig& decode, const std::vector<std::string>& sources,
                                     bool summarize, const Say& say) {
  const ScopedGemmPrecision fp32(GemmPrecision::Float32);
  const Translator translator(model, source, target, decode.search, decode.batch_tokens, decode.batch_sentences);
  if (summarize) return Summarizer(translator).summarize(sources, nullptr, say);
  std::vector<std::string> hyps;
  for (const auto& nbest : translator.translate(sources)) hyps.push_back(nbest[0].text);
  return hyps;
}

std::vector<MetricScore> score_outputs(const std::vector<std::string>& hyps, const std::vector<std::string>& refs,
                                       bool summarize) {
  std::vector<MetricScore> scores = {corpus_bleu(hyps, refs), corpus_chrf(hyps, refs)};
  if (summarize)
    for (auto& s : corpus_rouge(hyps, refs)) scores.push_back(s);
  return scores;
}

double mean_rouge(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  double sum = 0;
  const auto rouge = corpus_rouge(hyps, refs);
  for (const auto& s : rouge) sum += s.score;
  return sum / static_cast<double>(std::max<size_t>(1, rouge.size()));
}

Evaluator::Evaluator(const Recipe& recipe, const Tokenizer& source, const Tokenizer& target)
    : recipe_(recipe), source_(source), target_(target) {}

ValidRecord Evaluator::validate(const Seq2Seq& model, const ValidationSet& valid, long long update, int epoch) const {
  const ScopedGemmPrecision fp32(GemmPrecision::Float32);
  const TrainRecipe& t = recipe_.training;
  ValidRecord v;
  v.update = update;
  v.epoch = epoch;
  double loss = 0, nll = 0;
  long long tokens = 0;
  for (const auto& b : make_train_batches(valid.pairs, t.batch_tokens, t.seed)) {
    const Batch batch = gather_batch(valid.pairs, b, model.config().pad_id, target_.bos_id(), target_.eos_id());
    const auto s = model.evaluate_loss(batch, t.label_smoothing);
    loss += s.loss_sum;
    nll += s.nll_sum;
    tokens += s.tokens;
  }
  v.loss = loss / std::max<long long>(1, tokens);
  v.ppl = std::exp(nll / std::max<long long>(1, tokens));
  // Validation decodes sentence by sentence even for summaries (as before:
  // documents there are bounded by the position limit at load).
  const auto hyps = decode_best(model, source_, target_, recipe_.decode, valid.sources, /*summarize=*/false);
  v.bleu = corpus_bleu(hyps, valid.references).score;
  v.chrf = corpus_chrf(hyps, valid.references).score;
  if (recipe_.task == Task::Summarize) v.rouge = mean_rouge(hyps, valid.references);
  return v;
}

double Evaluator::metric_of(const ValidRecord& v) const {
  const std::string& m = recipe_.training.early_stopping_metric;
  return m == "bleu" ? v.bleu : m == "chrf" ? v.chrf : m == "rouge" ? v.rouge : -v.loss;
}

void Evaluator::score_test(const Seq2Seq& model, const std::string& run_dir, std::map<std::string, double>& results,
                           const Say& say) const {
  const bool summarize = recipe_.task == Task::Summarize;
  const bool per_part = recipe_.test.size() > 1;
  const auto labels = unique_labels(recipe_.test);
  std::string all_hyps, table = "metric\tscore\tsignature\n";
  const auto start = std::chrono::steady_clock::now();
  for (size_t p = 0; p < recipe_.test.size(); ++p) {
    const TestPair test = load_test_pair(recipe_, recipe_.test[p], source_, model.config().position_limit());
    const auto hyps = decode_best(model, source_, target_, recipe_.decode, test.sources, summarize, say);
    for (const auto& h : hyps) all_hyps += h + "\n";
    // One pair: "BLEU" and test_bleu; several: "BLEU de" and test_bleu_de.
    for (const auto& s : score_outputs(hyps, test.references, summarize)) {
      const std::string name = s.name + (per_part ? " " + labels[p] : "");
      table += name + "\t" + format_score(s.score) + "\t" + s.signature + "\n";
      say("test " + name + " = " + format_score(s.score) + "  " + s.signature);
      results[result_key("test_" + s.name + (per_part ? "_" + labels[p] : ""))] = s.score;
    }
  }
  write_text_atomically(run_dir + "/test.hyp", [&](std::ostream& out) { out << all_hyps; });
  write_text_atomically(run_dir + "/test_scores.tsv", [&](std::ostream& out) { out << table; });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  say("test set decoded in " + human_duration(seconds) + " (" + run_dir + "/test.hyp)");
}

}  // namespace tandem
