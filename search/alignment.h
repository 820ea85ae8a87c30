// search/alignment.h: word alignments from cross-attention, Moses/fast_align
// style ("i-j": source word i, target word j, 0-based).
// Each target piece (EOS excluded) is aligned to the source piece that its
// decoding step attended to most (last decoder layer, mean over heads); the
// pieces' words give the pair. A step whose maximum is the source EOS aligns
// to nothing (attention parked on EOS carries no alignment). Words are the
// SentencePiece pieces between word-boundary marks (U+2581), which match the
// whitespace-separated words of normalized text.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"

namespace tandem {

// Word index of each piece: a piece that starts with U+2581 begins a new word.
std::vector<int> word_of_pieces(const std::vector<std::string>& pieces);

// attention[t]: weights over the source pieces plus EOS (last) for target step t;
// steps beyond target_word.size() (the EOS step) are ignored.
std::string moses_alignment(const std::vector<Eigen::VectorXf>& attention,
                            const std::vector<int>& source_word,
                            const std::vector<int>& target_word);

}  // namespace tandem
