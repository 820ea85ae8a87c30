#include "core/input_source.h"

#include <algorithm>
#include <chrono>

namespace tandem {

bool take_window(InputSource& input, int window, int max_wait_ms, std::vector<std::string>& texts) {
  texts.clear();
  std::string text;
  if (!input.next(text)) return false;
  texts.push_back(std::move(text));
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(0, max_wait_ms));
  while (static_cast<int>(texts.size()) < window) {
    if (max_wait_ms >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (!input.ready(static_cast<int>(std::max<long long>(0, left)))) break;
    }
    if (!input.next(text)) break;
    texts.push_back(std::move(text));
  }
  return true;
}

}  // namespace tandem
