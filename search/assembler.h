// search/assembler.h: the last stage of the translation pipeline. Decoded
// segments come back in any order; the assembler puts each input's pieces
// together (a split input: the pieces' best outputs joined by a space, their
// scores summed) and turns token ids into text, n-best lists, word alignments
// and attention records. Inputs come out in input order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "search/beam_search.h"
#include "search/segmenter.h"
#include "tokenizer/tokenizer.h"

namespace tandem {

// Cross-attention of one translated line (SearchOptions::record_attention).
struct AttentionRecord {
  Matrix weights;                           // [target pieces + EOS, source pieces + EOS]
  std::vector<std::string> source_pieces;   // EOS excluded
  std::vector<std::string> target_pieces;
  std::vector<int> source_words, target_words;  // word index of each piece
};

struct TextHypothesis {
  std::string text;
  float score = 0;
  int tokens = 0;  // output tokens, EOS excluded
  // record_attention only, and only for lines translated in one piece:
  std::string alignment;  // Moses "i-j" word pairs (search/alignment.h)
  AttentionRecord attention;
};

class Assembler {
 public:
  using Warn = std::function<void(const std::string&)>;
  Assembler(const Tokenizer& source, const Tokenizer& target, bool record_attention, Warn warn)
      : source_(source), target_(target), record_attention_(record_attention), warn_(std::move(warn)) {}

  // Inputs are numbered from 0 without gaps; each is announced with its
  // segment count (0: empty, its result is one empty hypothesis). True when
  // the input is complete already (an empty one).
  bool expect(int64_t input, int pieces);
  // A decoded segment (any order); true when it completed its input.
  bool add(const Segment& segment, std::vector<Hypothesis>&& nbest);
  // The next input in order, once all its pieces are in: false when it is not
  // complete yet (or nothing was announced).
  bool pop(std::vector<TextHypothesis>& result);
  int64_t pending() const { return static_cast<int64_t>(open_.size()); }

 private:
  struct Open {
    int pieces = 0, done = 0;
    std::vector<TextHypothesis> result;
    std::vector<std::string> piece_texts;  // a split input's pieces, in piece order
  };
  void attach_attention(const Ids& source, const Hypothesis& h, TextHypothesis& out) const;

  const Tokenizer& source_;
  const Tokenizer& target_;
  bool record_attention_;
  Warn warn_;
  std::map<int64_t, Open> open_;
  int64_t next_ = 0;  // the next input to pop
};

}  // namespace tandem
