// core/memory_limit.h: resource bounds for sizes that come from files and
// user values. A model or dataset that would need more memory than the
// machine has is refused with a message before anything is allocated, not
// left to the kernel's out-of-memory killer.
#pragma once

#include <cstdint>
#include <string>

namespace tandem {

// Physical memory of this machine in bytes (sysconf), or a large value when unknown.
double machine_memory_bytes();

// "12.3 GB" / "512 MB" / "4 KB".
std::string format_bytes(double bytes);

// Throws "WHERE: needs 48.0 GB for WHAT, the machine has 24.0 GB" when `bytes`
// exceeds the machine's memory. `bytes` is a double so products of absurd
// sizes cannot overflow on their way here.
void check_fits_in_memory(double bytes, const std::string& what, const std::string& where);

// The element count of a shape read from a file: throws on a product that
// overflows 64 bits. (Negative sizes cannot occur: HDF5 dimensions are unsigned.)
uint64_t checked_element_count(const unsigned long long* dims, int rank, const std::string& where);

}  // namespace tandem
