#include "core/threads.h"

#include <unistd.h>

#include <Eigen/Core>
#include <cstdlib>
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

void reexec_with_passive_omp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: the re-exec failed; run on with the runtime's own policy.
}

}  // namespace tandem
