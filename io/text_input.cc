#include "io/text_input.h"

#include <fstream>
#include <iostream>

#include "core/error.h"

namespace tandem {

size_t find_invalid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    int extra;
    unsigned min_code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, min_code = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min_code = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min_code = 0x10000;
    } else {
      return i;
    }
    if (i + extra >= n) return i;  // truncated sequence at the end
    unsigned code = c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      code = (code << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid.
    if (code < min_code || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return i;
    i += extra + 1;
  }
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
