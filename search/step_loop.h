// search/step_loop.h: the step loop greedy decoding and beam search share.
// Each step runs the decoder once over the open rows, turns every row into
// log-probabilities and lets the search score it (constraints, then its pick
// or its best candidates) in parallel, since rows are independent; then the
// search, serially, decides which rows live on (their parent rows) and with
// which tokens, and the decoding cache follows the parents.
#pragma once

#include <vector>

#include "core/threads.h"
#include "decoder/decoder.h"
#include "model/seq2seq.h"
#include "search/step_rules.h"

namespace tandem {

// Search provides:
//   void start_step(int rows);
//   void score_row(int row, float* logp, int vocab, int step);  // thread-safe per row
//   void advance(const Matrix& logp, std::vector<Eigen::VectorXf>& attention,
//                std::vector<int>& parents, Ids& next_tokens);
// The loop ends when `advance` leaves no next token.
template <class Search>
void run_step_loop(const Seq2Seq& model, DecoderState& state, Ids tokens, bool record_attention,
                   Search& search) {
  Matrix logits;
  std::vector<Eigen::VectorXf> attention;
  std::vector<int> parents;
  while (!tokens.empty()) {
    model.decode_step(tokens, state, logits, record_attention ? &attention : nullptr);
    const int rows = static_cast<int>(logits.rows()), vocab = static_cast<int>(logits.cols());
    search.start_step(rows);
#pragma omp parallel for schedule(dynamic, 4) if (rows >= kMinParallelDecodeRows)
    for (int r = 0; r < rows; ++r) {
      float* logp = logits.row(r).data();
      log_softmax_row(logp, vocab);
      search.score_row(r, logp, vocab, state.step);
    }
    parents.clear();
    tokens.clear();
    search.advance(logits, attention, parents, tokens);
    bool unchanged = static_cast<int>(parents.size()) == rows;
    for (int i = 0; unchanged && i < rows; ++i) unchanged = parents[i] == i;
    if (!tokens.empty() && !unchanged) Decoder::reorder(state, parents);
  }
}

}  // namespace tandem
