// api/guard.h: the library's boundary: internal errors become the public
// exception types (tandem/errors.h) with the command line's messages.
#pragma once

#include <new>
#include <string>

#include "core/error.h"
#include "tandem/errors.h"
#include "train/trainer.h"

namespace tandem::api {

// FileError unless `path` names an existing file.
void require_file(const std::string& path, const std::string& what);
// The calling thread's OpenMP team size for this call (0 = leave it).
void use_threads(int threads);

template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const tandem::TrainingInterrupted& e) {
    throw Interrupted(e.what());
  } catch (const tandem::Error& e) {
    throw ValueError(e.what());
  }
}

}  // namespace tandem::api
