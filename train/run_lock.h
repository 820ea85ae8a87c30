// train/run_lock.h: one `tandem train` per output folder. Two writers of the
// same checkpoints would overwrite each other's state; the second run refuses
// with a message instead. The lock is an flock on RUN_DIR/.lock, so the kernel
// releases it when the holder exits in any way, kill -9 included: a stale lock
// file never blocks a --resume.
#pragma once

#include <string>

namespace tandem {

class RunLock {
 public:
  // Throws "RUN_DIR is in use by another tandem train (pid N)" when held.
  explicit RunLock(const std::string& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace tandem
