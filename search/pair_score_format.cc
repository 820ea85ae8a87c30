#include "search/pair_score_format.h"

#include <cstdio>

namespace tandem {

std::string format_pair_score(const PairScore& score, const PairScoreFormat& format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", format.normalize ? static_cast<double>(score.score) : score.log_prob);
  std::string line = buf;
  if (format.per_token) {
    line += " |||";
    for (float t : score.token_log_probs) {
      std::snprintf(buf, sizeof buf, " %.6f", static_cast<double>(t));
      line += buf;
    }
  }
  return line;
}

}  // namespace tandem
