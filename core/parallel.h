// core/parallel.h: a parallel loop that keeps tandem's one-line errors. An
// exception that leaves an OpenMP region ends the process ("terminate
// called"); here the first one thrown by any iteration is caught, the other
// iterations still run (each is cheap to finish and none may be left half
// done), and it is rethrown on the calling thread after the loop.
#pragma once

#include <exception>

namespace tandem {

template <typename Body>
void parallel_for(int n, Body&& body) {
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic)
  for (int i = 0; i < n; ++i) {
    try {
      body(i);
    } catch (...) {
#pragma omp critical(tandem_parallel_for_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tandem
