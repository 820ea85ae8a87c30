// The one UTF-8 decoder: what the text reader rejects and the metrics replace.
#include "core/utf8.h"

#include "../test_util.h"
#include "io/text_input.h"
#include "metrics/unicode_text.h"

namespace tandem {
namespace {

TEST(Utf8, StrictDecoding) {
  const std::string valid = "a\xc3\xa9\xe2\x96\x81\xf0\x9f\x98\x80";  // a, e-acute, U+2581, U+1F600
  EXPECT_EQ(find_invalid_utf8(valid), std::string::npos);
  EXPECT_EQ(to_code_points(valid), (std::u32string{U'a', 0xE9, 0x2581, 0x1F600}));
  // Overlong NUL, a UTF-16 surrogate, past U+10FFFF, a lone continuation, truncated.
  for (const std::string bad : {"\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xe2\x96"}) {
    EXPECT_EQ(find_invalid_utf8("ok " + bad), 3u) << "invalid sequence accepted";
    EXPECT_EQ(to_code_points("ok" + bad).substr(2, 1), std::u32string(1, 0xFFFD));
    size_t i = 0;
    char32_t code = 0;
    EXPECT_FALSE(decode_utf8(bad, i, code));
    EXPECT_EQ(i, 0u) << "a failed decode must not move";
  }
}

}  // namespace
}  // namespace tandem
