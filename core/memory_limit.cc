#include "core/memory_limit.h"

#include <unistd.h>

#include <cstdio>

#include "core/error.h"

namespace tandem {

double machine_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 1e15;
  return static_cast<double>(pages) * static_cast<double>(page);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1000 && u < 5) bytes /= 1000, ++u;
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return text;
}

void check_fits_in_memory(double bytes, const std::string& what, const std::string& where) {
  const double have = machine_memory_bytes();
  TANDEM_CHECK(bytes <= have) << where << ": needs " << format_bytes(bytes) << " for " << what
                              << ", the machine has " << format_bytes(have);
}

uint64_t checked_element_count(const unsigned long long* dims, int rank, const std::string& where) {
  uint64_t n = 1;
  for (int i = 0; i < rank; ++i) {
    TANDEM_CHECK(dims[i] == 0 || n <= UINT64_MAX / dims[i])
        << where << ": the shape's element count overflows 64 bits";
    n *= dims[i];
  }
  return n;
}

}  // namespace tandem
