#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/error.h"

namespace tandem {
namespace {

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

void fsync_path(const std::string& path, int flags, const std::string& what) {
  const int fd = ::open(path.c_str(), flags);
  TANDEM_CHECK(fd >= 0) << what << ": cannot open to sync: " << std::strerror(errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  TANDEM_CHECK(rc == 0) << what << ": fsync failed: " << std::strerror(err);
}

}  // namespace

void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
    fsync_path(tmp, O_RDONLY, tmp);
    TANDEM_CHECK(std::rename(tmp.c_str(), path.c_str()) == 0)
        << path << ": cannot rename from temporary file: " << std::strerror(errno);
  } catch (const Error& e) {
    std::remove(tmp.c_str());
    // Libraries report a full disk as a failed write of whatever they were
    // writing; say what the user can act on, and that the old file stands.
    struct statvfs fs;
    const bool full = statvfs(folder_of(path).c_str(), &fs) == 0 && fs.f_bavail * fs.f_frsize < (1u << 20);
    if (!full) throw;
    TANDEM_FAIL() << e.what() << " (the disk is full; " << path << " was left as it was)";
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  // The new name is in place; make the folder entry durable too.
  fsync_path(folder_of(path), O_RDONLY | O_DIRECTORY, folder_of(path));
}

void write_text_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    TANDEM_CHECK(out) << path << ": cannot open for writing: " << std::strerror(errno);
    write(out);
    out.flush();
    TANDEM_CHECK(out) << path << ": write failed (" << std::strerror(errno) << "); nothing was written under this name";
    out.close();
    TANDEM_CHECK(out) << path << ": write failed on close (" << std::strerror(errno)
                      << "); nothing was written under this name";
  });
}

}  // namespace tandem
