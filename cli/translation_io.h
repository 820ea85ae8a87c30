// cli/translation_io.h: the input and output sides of `tandem translate`,
// shared with the library (tandem::api::Translator::translate_file), so both
// read and write the same bytes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/input_source.h"
#include "search/assembler.h"

namespace tandem::cli {

// The input lines with a target-language tag before each non-blank one.
class TaggedSource : public InputSource {
 public:
  TaggedSource(InputSource& lines, std::string tag) : lines_(lines), tag_(std::move(tag)) {}
  bool next(std::string& text) override {
    if (!lines_.next(text)) return false;
    if (!tag_.empty() && text.find_first_not_of(" \t\r") != std::string::npos) text = tag_ + " " + text;
    return true;
  }
  bool ready(int wait_ms) override { return lines_.ready(wait_ms); }

 private:
  InputSource& lines_;
  std::string tag_;
};

// One input's result: its best text (` ||| alignment` with alignment), or
// with nbest every hypothesis as `index ||| text ||| score`.
void write_translation(std::ostream& out, int64_t index, const std::vector<TextHypothesis>& result, bool nbest,
                       bool alignment);

}  // namespace tandem::cli
