#include "core/profile.h"

#include <omp.h>

#include <array>

namespace tandem::profile {
namespace {

using Clock = std::chrono::steady_clock;

struct State {
  bool enabled = false;
  bool backward = false;
  OpClass current = OpClass::Other;
  Clock::time_point last = Clock::now(), start = Clock::now();
  std::array<double, static_cast<size_t>(OpClass::kCount)> seconds{}, flops{};
};

State& state() {
  static State s;
  return s;
}

const char* name(OpClass c) {
  switch (c) {
    case OpClass::GemmForward: return "GEMM forward";
    case OpClass::GemmBackward: return "GEMM backward";
    case OpClass::Attention: return "attention (scores, softmax, per-head products)";
    case OpClass::Norm: return "layer norms";
    case OpClass::Loss: return "loss (softmax, cross-entropy, gathers)";
    case OpClass::Optimizer: return "optimizer (clip, Adam)";
    case OpClass::Data: return "data (batch gathering)";
    default: return "other (embeddings, FFN activations, dropout, residuals)";
  }
}

bool recording() { return state().enabled && !omp_in_parallel(); }

}  // namespace

bool enabled() { return recording(); }
void enable(bool on) {
  State& s = state();
  if (s.enabled && !on) switch_to(s.current);  // charge up to the pause
  if (!s.enabled && on) s.last = Clock::now();  // the paused time counts nowhere
  s.enabled = on;
}
void set_backward(bool b) { state().backward = b; }
bool backward() { return state().backward; }

OpClass switch_to(OpClass c) {
  State& s = state();
  const auto now = Clock::now();
  s.seconds[static_cast<size_t>(s.current)] += std::chrono::duration<double>(now - s.last).count();
  s.last = now;
  const OpClass previous = s.current;
  s.current = c;
  return previous;
}

void add_flops(OpClass c, double flops) {
  if (recording()) state().flops[static_cast<size_t>(c)] += flops;
}

void reset() {
  State& s = state();
  s.seconds.fill(0);
  s.flops.fill(0);
  s.current = OpClass::Other;
  s.start = s.last = Clock::now();
}

void print(std::FILE* out, long long updates) {
  State& s = state();
  if (s.enabled) switch_to(s.current);  // charge the time up to now
  double total = 0;
  for (double x : s.seconds) total += x;
  const double per = updates > 0 ? static_cast<double>(updates) : 1.0;
  std::fprintf(out, "| operation class | ms per update | share | GFLOP/s |\n|---|---|---|---|\n");
  for (size_t i = 0; i < s.seconds.size(); ++i) {
    const auto c = static_cast<OpClass>(i);
    const bool gemm = c == OpClass::GemmForward || c == OpClass::GemmBackward;
    char rate[32] = "";
    if (gemm && s.seconds[i] > 0) std::snprintf(rate, sizeof rate, "%.0f", s.flops[i] / s.seconds[i] / 1e9);
    std::fprintf(out, "| %s | %.1f | %.1f%% | %s |\n", name(c), 1000 * s.seconds[i] / per,
                 total > 0 ? 100 * s.seconds[i] / total : 0.0, rate);
  }
  std::fprintf(out, "| total | %.1f | 100%% | |\n", 1000 * total / per);
}

}  // namespace tandem::profile
