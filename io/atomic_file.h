// io/atomic_file.h: write a file under a temporary name, then rename it into
// place, so a crash, an error or a full disk never leaves a half-written file
// behind the name of a good one (DESIGN.md §5).
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace tandem {

// Calls write(tmp_path), fsyncs tmp_path, renames it to path and fsyncs the
// folder (so the rename itself survives a power cut). On any exception the
// temporary file is removed and the exception propagates; `path` is untouched.
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

// The same for a text file written through a stream: every write is checked
// (a full disk is an error naming the file, never a silently short file).
void write_text_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace tandem
