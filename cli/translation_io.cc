#include "cli/translation_io.h"

namespace tandem::cli {

void write_translation(std::ostream& out, int64_t index, const std::vector<TextHypothesis>& result, bool nbest,
                       bool alignment) {
  if (!nbest) {
    out << result[0].text;
    if (alignment) out << " ||| " << result[0].alignment;
    out << "\n";
    return;
  }
  for (const auto& h : result) {
    out << index << " ||| " << h.text << " ||| " << h.score;
    if (alignment) out << " ||| " << h.alignment;
    out << "\n";
  }
}

}  // namespace tandem::cli
