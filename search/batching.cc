#include "search/batching.h"

#include <algorithm>
#include <numeric>

namespace tandem {

std::vector<std::vector<int>> batches_by_length(const std::vector<int>& lengths,
                                                int budget_tokens, int max_sentences) {
  std::vector<int> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  // Longest first: the slowest batches start early, and ties keep input order.
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return lengths[a] > lengths[b]; });
  std::vector<std::vector<int>> batches;
  std::vector<int> current;
  int longest = 0;
  for (int i : order) {
    const int next_longest = std::max(longest, lengths[i]);
    const bool full = max_sentences > 0 && static_cast<int>(current.size()) >= max_sentences;
    if (!current.empty() &&
        (full || static_cast<long>(next_longest) * (static_cast<long>(current.size()) + 1) > budget_tokens)) {
      batches.push_back(std::move(current));
      current.clear();
      longest = 0;
    }
    current.push_back(i);
    longest = std::max(longest, lengths[i]);
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

}  // namespace tandem
