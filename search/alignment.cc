#include "search/alignment.h"

#include <set>
#include <utility>

namespace tandem {

std::vector<int> word_of_pieces(const std::vector<std::string>& pieces) {
  static const std::string kBoundary = "\xe2\x96\x81";  // U+2581
  std::vector<int> words;
  int word = -1;
  for (const auto& p : pieces) {
    if (word < 0 || p.compare(0, kBoundary.size(), kBoundary) == 0) ++word;
    words.push_back(word);
  }
  return words;
}

std::string moses_alignment(const std::vector<Eigen::VectorXf>& attention,
                            const std::vector<int>& source_word,
                            const std::vector<int>& target_word) {
  std::set<std::pair<int, int>> pairs;  // (target, source): sorted by target word
  const size_t steps = std::min(attention.size(), target_word.size());
  for (size_t t = 0; t < steps; ++t) {
    Eigen::Index best = 0;
    attention[t].maxCoeff(&best);
    if (best >= static_cast<Eigen::Index>(source_word.size())) continue;  // source EOS
    pairs.emplace(target_word[t], source_word[best]);
  }
  std::string out;
  for (const auto& [target, source] : pairs) {
    if (!out.empty()) out += ' ';
    out += std::to_string(source) + "-" + std::to_string(target);
  }
  return out;
}

}  // namespace tandem
