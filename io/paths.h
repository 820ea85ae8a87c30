// io/paths.h: questions about paths asked before writing: does it exist, are
// two names one file, and making a folder with an error that names it.
#pragma once

#include <string>

namespace tandem {

// Whether anything (file, folder, link target) exists at path.
bool path_exists(const std::string& path);

// Creates path and its missing parents; throws naming path when it cannot.
void make_directories(const std::string& path);

// Throws "OPTION OUTPUT is the input file INPUT" when both names reach the
// same file (the same path spelled differently, a symbolic or a hard link).
// An output that does not exist yet is never the input.
void check_not_same_file(const std::string& input, const std::string& output, const std::string& option);

}  // namespace tandem
