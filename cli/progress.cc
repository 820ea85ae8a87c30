#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/duration.h"

namespace tandem::cli {

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(bool enabled, std::string unit)
    : enabled_(enabled), unit_(std::move(unit)), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(long long done, long long total, long long tokens) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if ((total < 0 || done < total) && now - last_ < std::chrono::milliseconds(500)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double token_rate = elapsed > 0 ? tokens / elapsed : 0.0;
  if (total < 0) {  // a stream of unknown length: no percentage, no ETA
    std::fprintf(stderr, "\r%lld %s, %.0f tok/s, %s elapsed   ", done, unit_.c_str(), token_rate,
                 human_duration(elapsed).c_str());
  } else {
    const double rate = elapsed > 0 ? done / elapsed : 0;
    const double eta = rate > 0 ? (total - done) / rate : 0;
    std::fprintf(stderr, "\r%lld/%lld %s (%.0f%%), %.0f tok/s, %s elapsed, ETA %s   ", done, total, unit_.c_str(),
                 total ? 100.0 * done / total : 100.0, token_rate, human_duration(elapsed).c_str(),
                 human_duration(eta).c_str());
  }
  std::fflush(stderr);
}

void Progress::finish(long long done, long long tokens) {
  if (!enabled_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // The exact seconds too: benchmarks read them as decode-only time (model
  // load and process start excluded).
  std::fprintf(stderr, "\r%lld %s in %s (%.3f s): %.1f %s/s, %.0f generated tok/s%20s\n", done,
               unit_.c_str(), human_duration(elapsed).c_str(), elapsed, elapsed > 0 ? done / elapsed : 0.0,
               unit_.c_str(), elapsed > 0 ? tokens / elapsed : 0.0, "");
}

}  // namespace tandem::cli
