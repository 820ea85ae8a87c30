#include "core/threads.h"

#include <Eigen/Core>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace tandem {

void set_threads(int n) {
  if (n <= 0) return;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  Eigen::setNbThreads(n);
}

int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace tandem
