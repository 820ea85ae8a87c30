#include "train/distributed.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <vector>

#include "core/error.h"

#ifdef TANDEM_HAVE_MPI
// The C API only: without these, mpi.h from C++ pulls in the deprecated C++
// bindings and their library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace tandem::dist {

#ifdef TANDEM_HAVE_MPI

namespace {

bool g_started = false;
int g_rank = 0, g_size = 1;
std::vector<MPI_Request> g_pending;  // reductions started and not yet waited for

// MPI counts are ints: larger arrays go in pieces.
constexpr size_t kMaxCount = static_cast<size_t>(INT_MAX) / 2;

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  TANDEM_FAIL() << "MPI " << what << " failed on rank " << g_rank << ": " << std::string(text, length);
}

}  // namespace

void init_if_launched(int* argc, char*** argv) {
  // Open MPI's launcher sets OMPI_COMM_WORLD_SIZE (PMIx launchers PMIX_RANK);
  // a plain `tandem train` never starts MPI, so it needs no MPI daemon.
  if (!std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMIX_RANK")) return;
  int provided = 0;
  check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "init");
  g_started = true;
  // Errors come back as codes (reported with the rank), not silent aborts.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
}

void finalize() {
  if (g_started) MPI_Finalize();
  g_started = false;
}

void abort_job(int code) {
  if (g_started && g_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
}

bool built_with_mpi() { return true; }
bool active() { return g_started && g_size > 1; }
int rank() { return g_rank; }
int size() { return g_size; }

void allreduce_sum(float* data, size_t n) {
  if (!active()) return;
  for (size_t done = 0; done < n; done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, n - done));
    check(MPI_Allreduce(MPI_IN_PLACE, data + done, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "all-reduce");
  }
}

void allreduce_sum(double* data, size_t n) {
  if (!active()) return;
  for (size_t done = 0; done < n; done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, n - done));
    check(MPI_Allreduce(MPI_IN_PLACE, data + done, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "all-reduce");
  }
}

void allreduce_sum_start(float* data, size_t n) {
  if (!active()) return;
  for (size_t done = 0; done < n; done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, n - done));
    g_pending.emplace_back();
    check(MPI_Iallreduce(MPI_IN_PLACE, data + done, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &g_pending.back()),
          "all-reduce");
  }
}

void progress() {
  if (g_pending.empty()) return;
  int done = 0;
  check(MPI_Testall(static_cast<int>(g_pending.size()), g_pending.data(), &done, MPI_STATUSES_IGNORE), "all-reduce");
  if (done) g_pending.clear();
}

void wait_all() {
  if (g_pending.empty()) return;
  check(MPI_Waitall(static_cast<int>(g_pending.size()), g_pending.data(), MPI_STATUSES_IGNORE), "all-reduce");
  g_pending.clear();
}

long long allreduce_max(long long value) {
  if (active()) check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD), "all-reduce");
  return value;
}

void broadcast(double& value) {
  if (active()) check(MPI_Bcast(&value, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD), "broadcast");
}

void broadcast(long long& value) {
  if (active()) check(MPI_Bcast(&value, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "broadcast");
}

void barrier() {
  if (!active()) return;
  check(MPI_Barrier(MPI_COMM_WORLD), "barrier");
}

std::string library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "";
  std::string v(text, static_cast<size_t>(length));
  return v.substr(0, v.find_first_of(",\n"));  // "Open MPI v4.1.4"
}

void broadcast(bool& value) {
  if (!active()) return;
  int v = value ? 1 : 0;
  check(MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD), "broadcast");
  value = v != 0;
}

void broadcast(float* data, size_t n) {
  if (!active()) return;
  for (size_t done = 0; done < n; done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, n - done));
    check(MPI_Bcast(data + done, count, MPI_FLOAT, 0, MPI_COMM_WORLD), "broadcast");
  }
}

void broadcast(std::string& bytes) {
  if (!active()) return;
  long long length = static_cast<long long>(bytes.size());
  broadcast(length);
  bytes.resize(static_cast<size_t>(length));
  for (size_t done = 0; done < bytes.size(); done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, bytes.size() - done));
    check(MPI_Bcast(&bytes[done], count, MPI_CHAR, 0, MPI_COMM_WORLD), "broadcast");
  }
}

#else  // one process, no MPI: every collective is the identity

void init_if_launched(int*, char***) {}
void finalize() {}
void abort_job(int) {}
bool built_with_mpi() { return false; }
bool active() { return false; }
int rank() { return 0; }
int size() { return 1; }
void allreduce_sum(float*, size_t) {}
void allreduce_sum(double*, size_t) {}
long long allreduce_max(long long value) { return value; }
void allreduce_sum_start(float*, size_t) {}
void progress() {}
void wait_all() {}
void broadcast(double&) {}
void broadcast(long long&) {}
void barrier() {}
std::string library_version() { return ""; }
void broadcast(bool&) {}
void broadcast(std::string&) {}
void broadcast(float*, size_t) {}

#endif

}  // namespace tandem::dist
