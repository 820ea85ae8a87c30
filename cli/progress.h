// cli/progress.h: one status line on stderr (sentences, tokens/s, ETA),
// rewritten in place at most twice a second; silent unless enabled.
#pragma once

#include <chrono>
#include <string>

namespace tandem::cli {

class Progress {
 public:
  // enabled: --progress given, or stderr is a terminal (decided by the caller
  // through stderr_is_terminal()).
  Progress(bool enabled, std::string unit);
  void update(long long done, long long total, long long tokens);
  void finish(long long done, long long tokens);

  bool enabled() const { return enabled_; }
  // total < 0: unknown (no percentage or ETA).
  static bool stderr_is_terminal();

 private:
  bool enabled_;
  std::string unit_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tandem::cli
