#include "search/segmenter.h"

#include <algorithm>

namespace tandem {

int Segmenter::split(const std::string& text, int64_t input, std::vector<Segment>& out, uint64_t* next_key,
                     const Warn& warn) const {
  if (text.empty()) return 0;
  const Ids ids = source_.encode(text);
  if (ids.empty()) return 0;  // only whitespace
  const int64_t limit = max_tokens_;
  // 64-bit: without a position table the limit is INT_MAX.
  const int n = static_cast<int>((static_cast<int64_t>(ids.size()) + limit - 1) / limit);
  if (n > 1 && warn)
    warn("line " + std::to_string(input + 1) + ": " + std::to_string(ids.size()) + " tokens exceed the model's " +
         std::to_string(limit) + " source positions; translated as " + std::to_string(n) +
         " pieces joined by a space");
  for (int p = 0; p < n; ++p) {
    const size_t begin = static_cast<size_t>(p) * static_cast<size_t>(limit);
    const size_t end = std::min(ids.size(), begin + static_cast<size_t>(limit));
    Segment s{input, p, n, (*next_key)++, Ids(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                               ids.begin() + static_cast<std::ptrdiff_t>(end))};
    s.ids.push_back(source_.eos_id());
    out.push_back(std::move(s));
  }
  return n;
}

}  // namespace tandem
