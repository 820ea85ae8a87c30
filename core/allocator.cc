#include "core/allocator.h"

#include <malloc.h>

#include <climits>

namespace tandem {

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);              // large blocks come from the heap too...
  mallopt(M_TRIM_THRESHOLD, INT_MAX);  // ...and stay there when freed
#endif
}

}  // namespace tandem
