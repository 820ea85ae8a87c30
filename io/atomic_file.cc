#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "core/error.h"

namespace tandem {

void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
    const int fd = ::open(tmp.c_str(), O_RDONLY);
    TANDEM_CHECK(fd >= 0) << tmp << ": cannot reopen to sync: " << std::strerror(errno);
    const int rc = ::fsync(fd);
    ::close(fd);
    TANDEM_CHECK(rc == 0) << tmp << ": fsync failed: " << std::strerror(errno);
    TANDEM_CHECK(std::rename(tmp.c_str(), path.c_str()) == 0)
        << path << ": cannot rename from temporary file: " << std::strerror(errno);
  } catch (const Error& e) {
    std::remove(tmp.c_str());
    // Libraries report a full disk as a failed write of whatever they were
    // writing; say what the user can act on, and that the old file stands.
    struct statvfs fs;
    const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
    const bool full = statvfs(dir.c_str(), &fs) == 0 && fs.f_bavail * fs.f_frsize < (1u << 20);
    if (!full) throw;
    TANDEM_FAIL() << e.what() << " (the disk is full; " << path << " was left as it was)";
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

}  // namespace tandem
