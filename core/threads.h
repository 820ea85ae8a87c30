// core/threads.h: one threading runtime (OpenMP), set once from --threads.
#pragma once

namespace tandem {

// A decoding step works on one row per hypothesis; below this many rows (one
// sentence with a small beam) waking the thread pool costs more than the rows
// take (beam 4, one sentence at a time: 20 ms/sentence on 1 thread, 30 on 2).
// Per-row loops of a decoding step run in parallel only from this many rows.
constexpr int kMinParallelDecodeRows = 8;

// Element-wise loops (dropout masks) split across threads from this many
// elements: below it a parallel region costs more than the loop.
constexpr long kMinParallelElements = 1 << 15;

// More threads than this is a mistake, not a machine: each one reserves stack.
constexpr int kMaxThreads = 512;

// n <= 0 keeps the runtime's default (all cores).
void set_threads(int n);
int num_threads();

// OpenMP workers that spin at barriers starve when another process holds a
// core (measured: 2 threads beside a CPU hog fell to the 1-thread speed with
// libgomp's default spinning; with passive waits they stayed 1.3x above it, and
// alone they are as fast). libgomp reads its wait policy once, before main, so
// when the user has set neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT this sets
// OMP_WAIT_POLICY=PASSIVE and re-executes the program (argv unchanged); it
// returns only when nothing needed doing or the re-exec failed.
void reexec_with_passive_omp_wait(char** argv);

}  // namespace tandem
