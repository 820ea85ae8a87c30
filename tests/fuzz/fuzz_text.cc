// Harness: the text reader and the metrics on whatever a pipeline produces
// (invalid UTF-8, NUL bytes, CRLF, a BOM, long lines, shuffled words). The
// input is one file; its lines are split into hypotheses and references.
// Oracles: BLEU, chrF and ROUGE stay in [0, 100], TER is >= 0, and text
// scored against itself is perfect (BLEU = chrF = 100, TER = 0) whenever it
// has the n-grams to be scored at all (a line of >= 4 plain words).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz_harness.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "metrics/ter.h"

const char* fuzz_harness_name() { return "text"; }

const std::vector<std::string>& fuzz_dictionary() {
  static const std::vector<std::string> d = {"\n", "\r\n", "\xef\xbb\xbf", " ", "\t", "a a b\n",
                                             "a b c\n", "\xe2\x96\x81", "\xf0\x9f\x98\x80", "#Person1#: "};
  return d;
}

namespace {

void require(bool ok, const char* what, double value) {
  if (ok) return;
  std::fprintf(stderr, "oracle failed: %s (got %.6f)\n", what, value);
  std::abort();  // the driver keeps the input as a crasher
}

void require_percent(const tandem::MetricScore& s) {
  require(std::isfinite(s.score) && s.score >= 0 && s.score <= 100 + 1e-9, "a score outside [0, 100]", s.score);
}

// Four words of ASCII letters: 13a tokenization keeps them as 4 tokens, so
// every n-gram order BLEU counts has something to count.
bool has_four_plain_words(const std::string& line) {
  int words = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    bool plain = true;
    while (i < line.size() && line[i] != ' ') plain &= (line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z'), ++i;
    words += i > start && plain;
  }
  return words >= 4;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  tandem::find_invalid_utf8(bytes);
  static const std::string path = fuzz_temp_path(".txt");
  write_file(path, bytes);
  const auto lines = tandem::read_lines(path);  // throws on invalid UTF-8: a clean rejection
  const size_t half = lines.size() / 2;
  const std::vector<std::string> hyps(lines.begin(), lines.begin() + half);
  const std::vector<std::string> refs(lines.begin() + half, lines.begin() + 2 * half);
  require_percent(tandem::corpus_bleu(hyps, refs));
  require_percent(tandem::corpus_chrf(hyps, refs, 0));
  const double ter = tandem::corpus_ter(hyps, refs).score;
  require(std::isfinite(ter) && ter >= 0, "TER below 0", ter);
  for (const auto& r : tandem::corpus_rouge(hyps, refs)) require_percent(r);
  for (size_t i = 0; i < half; ++i) require_percent(tandem::sentence_bleu(hyps[i], refs[i]));
  // Several references: the same reference twice scores as it does once, and
  // adding the hypotheses themselves as a reference never lowers BLEU or chrF
  // (nor raises TER). An empty reference line counts as "none for this line".
  bool any_empty_ref = false;
  for (const auto& r : refs) any_empty_ref |= r.empty();
  if (!any_empty_ref) {
    const tandem::References twice({refs, refs});
    require(tandem::corpus_bleu(hyps, twice).score == tandem::corpus_bleu(hyps, refs).score, "BLEU(r, r) != BLEU(r)", 0);
    require(tandem::corpus_chrf(hyps, twice).score == tandem::corpus_chrf(hyps, refs).score, "chrF(r, r) != chrF(r)", 0);
    require(std::abs(tandem::corpus_ter(hyps, twice).score - ter) < 1e-9, "TER(r, r) != TER(r)", 0);
    bool any_empty_hyp = false;
    for (const auto& h : hyps) any_empty_hyp |= h.empty();
    if (!any_empty_hyp) {
      const tandem::References plus_self({refs, hyps});
      require(tandem::corpus_chrf(hyps, plus_self).score >= tandem::corpus_chrf(hyps, refs).score - 1e-9,
              "a reference equal to the hypothesis lowered chrF", 0);
      require(tandem::corpus_ter(hyps, plus_self).score <= ter + 1e-9 || ter == 0,
              "a reference equal to the hypothesis raised TER", 0);
    }
  }
  bool scorable = false;
  for (const auto& h : hyps) scorable |= has_four_plain_words(h);
  if (scorable) {
    const double bleu = tandem::corpus_bleu(hyps, hyps).score;
    require(std::abs(bleu - 100) < 1e-9, "BLEU(x, x) != 100", bleu);
    const double chrf = tandem::corpus_chrf(hyps, hyps, 0).score;
    require(std::abs(chrf - 100) < 1e-9, "chrF(x, x) != 100", chrf);
    const double self_ter = tandem::corpus_ter(hyps, hyps).score;
    require(std::abs(self_ter) < 1e-9, "TER(x, x) != 0", self_ter);
  }
  return 0;
}
