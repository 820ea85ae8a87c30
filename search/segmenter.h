// search/segmenter.h: the first stage of the translation pipeline. An input
// (a line, a request's sentence) becomes token ids ending with EOS; one longer
// than the model's source positions is cut at token boundaries into pieces
// that are translated apart and joined back by the assembler. Empty and
// whitespace-only inputs become no segment at all (their output is empty).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "tokenizer/tokenizer.h"

namespace tandem {

struct Segment {
  int64_t input = 0;  // which input (line number, request slot) it belongs to
  int piece = 0;      // 0-based piece of that input
  int pieces = 1;     // how many pieces the input was cut into
  uint64_t key = 0;   // fixes its sampling stream: the segment's number in the whole stream
  Ids ids;            // ends with EOS
};

class Segmenter {
 public:
  using Warn = std::function<void(const std::string&)>;
  // max_tokens: the longest source the model takes in one piece, EOS excluded.
  Segmenter(const Tokenizer& source, int max_tokens) : source_(source), max_tokens_(max_tokens) {}

  // Appends the input's segments to `out`, numbering their keys from
  // *next_key on; returns how many (0 for an empty input). A split is
  // reported through warn, naming the input (1-based).
  int split(const std::string& text, int64_t input, std::vector<Segment>& out, uint64_t* next_key,
            const Warn& warn = nullptr) const;

 private:
  const Tokenizer& source_;
  int max_tokens_;
};

}  // namespace tandem
