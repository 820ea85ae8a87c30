#include "metrics/unicode_text.h"

#include <locale.h>
#include <wctype.h>

#include "core/utf8.h"

namespace tandem {

std::u32string to_code_points(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  char32_t code;
  for (size_t i = 0; i < s.size();) {
    if (decode_utf8(s, i, code)) {
      out.push_back(code);
    } else {
      out.push_back(0xFFFD);  // one replacement per invalid byte
      ++i;
    }
  }
  return out;
}

std::string to_utf8(const std::u32string& text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string unicode_lower(const std::string& utf8) {
  // glibc's C.UTF-8 locale carries the Unicode simple case mappings; a private
  // locale object leaves the process's global locale alone.
  static const locale_t utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  std::u32string text = to_code_points(utf8);
  for (char32_t& c : text) {
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    } else if (utf8_locale) {
      c = static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), utf8_locale));
    }
  }
  return to_utf8(text);
}

bool is_unicode_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

std::vector<std::u32string> split_whitespace(const std::u32string& text) {
  std::vector<std::u32string> words;
  std::u32string word;
  for (char32_t c : text) {
    if (is_unicode_space(c)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> split_whitespace(const std::string& utf8) {
  std::vector<std::string> out;
  for (const auto& w : split_whitespace(to_code_points(utf8))) out.push_back(to_utf8(w));
  return out;
}

}  // namespace tandem
