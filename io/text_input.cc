#include "io/text_input.h"

#include <fstream>
#include <iostream>

#include "core/error.h"
#include "core/utf8.h"

namespace tandem {

size_t find_invalid_utf8(const std::string& s) {
  char32_t code;
  for (size_t i = 0; i < s.size();)
    if (!decode_utf8(s, i, code)) return i;
  return std::string::npos;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream file;
  const bool is_stdin = path.empty() || path == "-";
  if (!is_stdin) {
    file.open(path, std::ios::binary);
    TANDEM_CHECK(file) << path << ": cannot open for reading";
  }
  std::istream& in = is_stdin ? std::cin : file;
  const std::string name = is_stdin ? "<stdin>" : path;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t bad = find_invalid_utf8(line);
    TANDEM_CHECK(bad == std::string::npos)
        << name << ":" << lines.size() + 1 << ": invalid UTF-8 at byte " << bad + 1;
    lines.push_back(std::move(line));
  }
  TANDEM_CHECK(!in.bad()) << name << ": read error";
  return lines;
}

}  // namespace tandem
