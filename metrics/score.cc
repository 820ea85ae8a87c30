#include "metrics/score.h"

#include <cstdio>

namespace tandem {

std::string format_score(double score) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return buf;
}

std::string format_metric_line(const MetricScore& s) {
  char head[96];
  std::snprintf(head, sizeof head, " = %.2f  ", s.score);
  std::string line = s.name + head + s.signature;
  if (!s.details.empty()) line += "  (" + s.details + ")";
  return line;
}

}  // namespace tandem
