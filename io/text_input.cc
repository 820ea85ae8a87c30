#include "io/text_input.h"

#include "core/error.h"
#include "core/utf8.h"
#include "io/line_reader.h"

namespace tandem {

size_t find_invalid_utf8(const std::string& s) {
  char32_t code;
  for (size_t i = 0; i < s.size();)
    if (!decode_utf8(s, i, code)) return i;
  return std::string::npos;
}

std::vector<std::string> read_lines(const std::string& path) {
  LineReader reader(path);
  std::vector<std::string> lines;
  for (std::string line; reader.next(line);) lines.push_back(std::move(line));
  return lines;
}

}  // namespace tandem
