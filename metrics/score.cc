#include "metrics/score.h"

#include <cstdio>

namespace tandem {

std::string format_score(double score) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  return buf;
}

}  // namespace tandem
