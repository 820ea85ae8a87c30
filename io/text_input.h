// io/text_input.h: reading a UTF-8 text file (or "-" for stdin) whole, line by
// line, with errors that name the file and line (io/line_reader.h reads it in
// bounded memory, for streaming).
#pragma once

#include <string>
#include <vector>

namespace tandem {

// Byte offset of the first invalid UTF-8 sequence, or npos if valid.
size_t find_invalid_utf8(const std::string& text);

// Lines without their '\n' (a final line without '\n' counts; a trailing '\r'
// is removed). Throws "<name>:<line>: invalid UTF-8 at byte <col>".
std::vector<std::string> read_lines(const std::string& path);

}  // namespace tandem
