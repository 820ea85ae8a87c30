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
  // Exec the binary by its real path, not by /proc/self/exe: the kernel names
  // the process after the file it executes, and `ps`/`top` would show "exe".
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = '\0';
  execv(self, argv);
  // Still here: the re-exec failed; run on with the runtime's own policy.
}

}  // namespace tandem
