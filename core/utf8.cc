#include "core/utf8.h"

namespace tandem {

bool decode_utf8(const std::string& s, size_t& i, char32_t& code) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  if (i >= n) return false;
  const unsigned char c = p[i];
  if (c < 0x80) {
    code = c;
    ++i;
    return true;
  }
  int extra;
  char32_t min_code;
  if ((c & 0xE0) == 0xC0) extra = 1, min_code = 0x80;
  else if ((c & 0xF0) == 0xE0) extra = 2, min_code = 0x800;
  else if ((c & 0xF8) == 0xF0) extra = 3, min_code = 0x10000;
  else return false;
  if (i + extra >= n) return false;  // truncated at the end
  char32_t value = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return false;
    value = (value << 6) | (p[i + k] & 0x3F);
  }
  if (value < min_code || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) return false;
  code = value;
  i += extra + 1;
  return true;
}

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  char32_t code;
  for (size_t i = 0; i < s.size(); ++n)
    if (!decode_utf8(s, i, code)) ++i;
  return n;
}

}  // namespace tandem
