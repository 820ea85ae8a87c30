// io/atomic_file.h: write a file under a temporary name, then rename it into
// place, so a crash or error never leaves a half-written file behind the name
// of a good one (DESIGN.md §5).
#pragma once

#include <functional>
#include <string>

namespace tandem {

// Calls write(tmp_path), fsyncs tmp_path, renames it to path. On any exception
// the temporary file is removed and the exception propagates; `path` is untouched.
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

}  // namespace tandem
