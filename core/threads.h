// core/threads.h: one threading runtime (OpenMP), set once from --threads.
#pragma once

namespace tandem {

// More threads than this is a mistake, not a machine: each one reserves stack.
constexpr int kMaxThreads = 512;

// n <= 0 keeps the runtime's default (all cores).
void set_threads(int n);
int num_threads();

}  // namespace tandem
