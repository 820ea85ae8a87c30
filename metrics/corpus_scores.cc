#include "metrics/corpus_scores.h"

#include "core/error.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "metrics/ter.h"

namespace tandem {

std::vector<MetricScore> corpus_scores(const std::vector<std::string>& hyps, const References& refs,
                                       const std::vector<std::string>& metrics, bool lowercase) {
  refs.check_lines(hyps.size());
  std::vector<MetricScore> scores;
  for (const auto& name : metrics) {
    if (name == "bleu") scores.push_back(corpus_bleu(hyps, refs, lowercase));
    else if (name == "chrf") scores.push_back(corpus_chrf(hyps, refs, 0));
    else if (name == "chrf++") scores.push_back(corpus_chrf(hyps, refs, 2));
    else if (name == "ter") scores.push_back(corpus_ter(hyps, refs));
    else if (name == "rouge") for (auto& s : corpus_rouge(hyps, refs)) scores.push_back(s);
    else TANDEM_FAIL() << "unknown metric \"" << name << "\" (bleu, chrf, chrf++, ter, rouge)";
  }
  TANDEM_CHECK(!scores.empty()) << "no metric given";
  return scores;
}

}  // namespace tandem
