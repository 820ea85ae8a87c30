// tandem/metrics.h: corpus scores exactly as `tandem score` prints them
// (sacreBLEU 2.x BLEU, chrF, chrF++, TER; ROUGE-1/2/L), with one or several
// references per hypothesis.
#pragma once

#include <string>
#include <vector>

namespace tandem::api {

struct Score {
  std::string name;       // "BLEU", "chrF2", "chrF2++", "TER", "ROUGE-1", ...
  double score = 0;       // 0..100 (TER may exceed 100)
  std::string signature;  // sacreBLEU-style, e.g. nrefs:2|case:mixed|eff:no|tok:13a|...
  std::string details;    // BLEU: matches and lengths
};

// references[k][i] is reference k of hypothesis i (sacreBLEU's layout); an
// empty line with several references means none for that line. metrics: any
// of "bleu", "chrf", "chrf++", "ter", "rouge".
std::vector<Score> score(const std::vector<std::vector<std::string>>& references,
                         const std::vector<std::string>& hypotheses,
                         const std::vector<std::string>& metrics = {"bleu", "chrf"}, bool lowercase = false);

// "BLEU = 48.53  nrefs:2|...  (details)": the line `tandem score` prints.
std::string format_score(const Score& score);

}  // namespace tandem::api
