#include "train/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>

#include "core/error.h"

namespace tandem {

RunLock::RunLock(const std::string& run_dir) {
  const std::string path = run_dir + "/.lock";
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  TANDEM_CHECK(fd_ >= 0) << path << ": cannot create the run lock (" << std::strerror(errno) << ")";
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {0};
    const ssize_t n = pread(fd_, pid, sizeof pid - 1, 0);
    close(fd_);
    fd_ = -1;
    TANDEM_FAIL() << run_dir << " is in use by another tandem train"
                  << (n > 0 ? " (pid " + std::string(pid, strnlen(pid, sizeof pid)) + ")" : std::string())
                  << ": wait for it to end, or train into another output folder";
  }
  const std::string me = std::to_string(getpid());
  if (ftruncate(fd_, 0) == 0) {
    const ssize_t ignored = pwrite(fd_, me.data(), me.size(), 0);
    (void)ignored;
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the flock
}

}  // namespace tandem
