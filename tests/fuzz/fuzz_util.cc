#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fuzz_harness.h"

std::string fuzz_temp_path(const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/tandem-fuzz-" + std::to_string(getpid()) + suffix;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}
