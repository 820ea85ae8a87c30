#include "tandem/metrics.h"

#include "api/guard.h"
#include "metrics/corpus_scores.h"

namespace tandem::api {

std::vector<Score> score(const std::vector<std::vector<std::string>>& references,
                         const std::vector<std::string>& hypotheses, const std::vector<std::string>& metrics,
                         bool lowercase) {
  return guarded([&] {
    std::vector<Score> out;
    for (auto& s : corpus_scores(hypotheses, References(references), metrics, lowercase))
      out.push_back({std::move(s.name), s.score, std::move(s.signature), std::move(s.details)});
    return out;
  });
}

std::string format_score(const Score& score) {
  return format_metric_line({score.name, score.score, score.signature, score.details});
}

}  // namespace tandem::api
