// metrics/score.h: what every metric reports.
#pragma once

#include <string>

namespace tandem {

struct MetricScore {
  std::string name;       // "BLEU", "chrF2", "chrF2++", "TER", "ROUGE-1", ...
  double score = 0;       // 0..100 (TER may exceed 100)
  std::string signature;  // sacreBLEU-style: nrefs:1|case:mixed|...
  std::string details;    // e.g. BLEU's n-gram precisions and brevity penalty
};

// "38.58": a score as logs and tables print it (two decimals).
std::string format_score(double score);

// "BLEU = 38.58  nrefs:1|...  (details)": the line `tandem score` prints.
std::string format_metric_line(const MetricScore& score);

// sacreBLEU's signature version field: the behaviour these metrics reproduce.
constexpr const char* kSacrebleuVersion = "2.6.0";

}  // namespace tandem
