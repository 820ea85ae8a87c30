#include "cli/output_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "core/error.h"
#include "io/atomic_file.h"

namespace tandem::cli {

void write_output(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (path.empty() || path == "-") {
    write(std::cout);
    std::cout.flush();
    TANDEM_CHECK(std::cout) << "<stdout>: write failed";
    return;
  }
  write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    TANDEM_CHECK(out) << path << ": cannot open for writing";
    write(out);
    out.flush();
    TANDEM_CHECK(out) << path << ": write failed (" << std::strerror(errno) << "); nothing was written under this name";
  });
}

}  // namespace tandem::cli
