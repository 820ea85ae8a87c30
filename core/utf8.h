// core/utf8.h: the one UTF-8 decoder (strict: overlong forms, UTF-16
// surrogates, code points past U+10FFFF and truncated sequences are invalid).
// The text reader rejects what it rejects; the metrics map it to U+FFFD.
#pragma once

#include <cstddef>
#include <string>

namespace tandem {

// Decodes the code point starting at byte `i` of `s`; on success stores it in
// `code`, moves `i` past it and returns true. On an invalid sequence returns
// false and leaves `i` unchanged.
bool decode_utf8(const std::string& s, size_t& i, char32_t& code);

// Code points in valid UTF-8 text (an invalid byte counts as one).
size_t utf8_length(const std::string& s);

}  // namespace tandem
