// metrics/unicode_text.h: the small pieces of Python's str semantics that
// sacreBLEU-exact scoring depends on: code points, lower(), split().
#pragma once

#include <string>
#include <vector>

namespace tandem {

std::u32string to_code_points(const std::string& utf8);  // invalid bytes map to U+FFFD
std::string to_utf8(const std::u32string& text);

// Python str.lower() for the simple (one-to-one) Unicode case mappings.
std::string unicode_lower(const std::string& utf8);

// Python str.isspace() / str.split() with no arguments.
bool is_unicode_space(char32_t c);
std::vector<std::string> split_whitespace(const std::string& utf8);
std::vector<std::u32string> split_whitespace(const std::u32string& text);

}  // namespace tandem
