// core/allocator.h: how freed memory is handed back, set once at start-up.
#pragma once

namespace tandem {

// Keeps freed heap memory for reuse instead of returning it to the kernel.
// A training update allocates and frees the same large activation buffers
// every time (logits alone are 65 MB at 2,048 tokens x 8,000 pieces); glibc
// serves blocks over its mmap threshold with fresh mappings, so each update
// page-faulted its whole working set again. bench_train: 2,410 -> 5,073 target
// tok/s on 2 threads, peak RSS 636 -> 666 MB. Safe to call more than once.
void keep_freed_memory_for_reuse();

}  // namespace tandem
