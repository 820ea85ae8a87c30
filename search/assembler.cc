#include "search/assembler.h"

#include "core/error.h"
#include "search/alignment.h"

namespace tandem {

bool Assembler::expect(int64_t input, int pieces) {
  open_[input].pieces = pieces;
  return pieces == 0;
}

void Assembler::attach_attention(const Ids& source, const Hypothesis& h, TextHypothesis& out) const {
  AttentionRecord& a = out.attention;
  for (size_t i = 0; i + 1 < source.size(); ++i) a.source_pieces.push_back(source_.piece(source[i]));
  for (int id : h.tokens) a.target_pieces.push_back(target_.piece(id));
  a.source_words = word_of_pieces(a.source_pieces);
  a.target_words = word_of_pieces(a.target_pieces);
  a.weights.resize(static_cast<Eigen::Index>(h.attention.size()), static_cast<Eigen::Index>(source.size()));
  for (size_t t = 0; t < h.attention.size(); ++t) a.weights.row(t) = h.attention[t].transpose();
  out.alignment = moses_alignment(h.attention, a.source_words, a.target_words);
}

bool Assembler::add(const Segment& s, std::vector<Hypothesis>&& nbest) {
  auto it = open_.find(s.input);
  TANDEM_CHECK(it != open_.end()) << "internal error: a segment of input " << s.input << " that was not announced";
  Open& o = it->second;
  ++o.done;
  auto& out = o.result;
  const std::string line = std::to_string(s.input + 1);
  const bool complete = o.done == o.pieces;
  if (nbest.empty()) {
    if (warn_) warn_("line " + line + ": no hypothesis found; output left empty");
    if (out.empty()) out.push_back({});
    return complete;
  }
  if (s.pieces == 1) {
    for (const auto& h : nbest) {
      TextHypothesis text;
      text.text = target_.decode(h.tokens);
      text.score = h.score;
      text.tokens = static_cast<int>(h.tokens.size());
      out.push_back(std::move(text));
      if (record_attention_) attach_attention(s.ids, h, out.back());
    }
    return complete;
  }
  // A piece: its best output goes into the input's single hypothesis, in
  // piece order whatever order the pieces finish in.
  if (out.empty()) {
    out.push_back({});
    if (record_attention_ && warn_) warn_("line " + line + ": translated in pieces; no alignment or attention for it");
  }
  o.piece_texts.resize(static_cast<size_t>(s.pieces));
  o.piece_texts[static_cast<size_t>(s.piece)] = target_.decode(nbest[0].tokens);
  out[0].score += nbest[0].score;
  out[0].tokens += static_cast<int>(nbest[0].tokens.size());
  return complete;
}

bool Assembler::pop(std::vector<TextHypothesis>& result) {
  auto it = open_.find(next_);
  if (it == open_.end() || it->second.done < it->second.pieces) return false;
  result = std::move(it->second.result);
  if (it->second.pieces > 1 && !result.empty()) {
    std::string joined;
    for (const auto& text : it->second.piece_texts) joined += (joined.empty() || text.empty() ? "" : " ") + text;
    result[0].text = joined;
  }
  if (result.empty()) result.push_back({});
  open_.erase(it);
  ++next_;
  return true;
}

}  // namespace tandem
