// train/distributed.h: the ranks of a data-parallel training job over MPI
// (Open MPI). `mpirun -np N tandem train RECIPE` starts N processes; each
// trains on its share of every update's batches and the gradients are summed
// across them (train/gradient_allreduce.h). A process not started by mpirun,
// or a build without MPI, is a job of one rank whose collectives do nothing.
#pragma once

#include <cstddef>
#include <string>

namespace tandem::dist {

// Starts MPI when mpirun started this process (its environment says so);
// otherwise nothing. Once, from main, before any thread starts.
void init_if_launched(int* argc, char*** argv);
void finalize();
// After an error on this rank (its message already printed): ends every rank
// of the job at once, so none waits forever in a collective. Returns only when
// no MPI job is running.
void abort_job(int code);

bool built_with_mpi();
bool active();  // MPI running with more than one rank
int rank();
int size();
inline bool is_root() { return rank() == 0; }

// Element-wise sum over the ranks, in place.
void allreduce_sum(float* data, size_t n);
void allreduce_sum(double* data, size_t n);
long long allreduce_max(long long value);
// The same sum, started and left running: `data` must stay untouched until
// wait_all(). Open MPI advances started reductions only inside MPI calls:
// progress() gives it one without waiting.
void allreduce_sum_start(float* data, size_t n);
void progress();
void wait_all();
// Returns once every rank has called it (a stage's end: rank 0 has written
// what the others read next).
void barrier();
// The MPI library's own version line ("" without MPI).
std::string library_version();
// From rank 0 to every rank.
void broadcast(double& value);
void broadcast(long long& value);
void broadcast(bool& value);
void broadcast(std::string& bytes);
void broadcast(float* data, size_t n);

}  // namespace tandem::dist
