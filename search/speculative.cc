#include "search/speculative.h"

#include <algorithm>

#include "core/error.h"
#include "search/step_rules.h"

namespace tandem {
namespace {

// Feeds the draft every token of `sequence` then `proposal` it has not
// consumed yet; returns the log-probabilities for the token after the last one.
void catch_up(const Seq2Seq& draft, DecoderState& state, const Ids& sequence, const Ids& proposal,
              Matrix& logits) {
  const int known = static_cast<int>(sequence.size());
  const int total = known + static_cast<int>(proposal.size());
  Ids token(1);
  while (state.step < total) {
    token[0] = state.step < known ? sequence[state.step] : proposal[state.step - known];
    draft.decode_step(token, state, logits);
  }
  log_softmax_row(logits.data(), static_cast<int>(logits.cols()));
}

Hypothesis decode_one(const Seq2Seq& model, const Seq2Seq& draft, const Ids& source,
                      const SearchOptions& o, const SpecialIds& ids, int k, SpeculativeStats& st) {
  const int len = static_cast<int>(source.size());
  const SeqShape shape{1, len, {len}};
  Matrix memory, draft_memory, logits, draft_logits;
  model.encode(source, shape, memory);
  draft.encode(source, shape, draft_memory);
  const int max_len = std::min(max_output_length(o, len, model.config().position_limit()),
                               draft.config().position_limit());
  DecoderState draft_state;
  draft.start_decoding(draft_memory, shape, max_len, draft_state);
  const int vocab = model.config().tgt_vocab_size;

  Ids sequence{ids.bos};  // BOS + output so far
  Ids output;             // output so far (no BOS), for the constraints
  Ids proposal;           // this round's draft tokens
  double log_prob = 0;
  while (true) {
    // 1. The draft proposes up to k tokens (fewer near the output limit or at EOS).
    proposal.clear();
    const size_t output_before = output.size();
    const int room = max_len - 1 - static_cast<int>(output_before);  // tokens before the forced EOS
    while (static_cast<int>(proposal.size()) < std::min(k, room)) {
      catch_up(draft, draft_state, sequence, proposal, draft_logits);
      float* row = draft_logits.data();
      apply_constraints(row, vocab, output, max_len, o, ids);  // output + proposal so far
      const int t = argmax_token(row, vocab, ids.eos);
      proposal.push_back(t);
      output.push_back(t);
      if (t == ids.eos) break;
    }
    output.resize(output_before);
    // 2. The main model scores every proposed position (and one more) in one pass.
    const size_t consumed_before = sequence.size();
    sequence.insert(sequence.end(), proposal.begin(), proposal.end());
    const int positions = static_cast<int>(proposal.size()) + 1;
    model.score_prefix(memory, shape, sequence, positions, logits);
    sequence.resize(consumed_before);
    ++st.main_passes;
    st.proposed += static_cast<long long>(proposal.size());
    bool done = false;
    for (int j = 0; j < positions; ++j) {
      float* row = logits.row(j).data();
      log_softmax_row(row, vocab);
      apply_constraints(row, vocab, output, max_len, o, ids);
      const int t = argmax_token(row, vocab, ids.eos);
      log_prob += row[t];
      ++st.output_tokens;
      if (t == ids.eos) {
        done = true;
        break;
      }
      output.push_back(t);
      sequence.push_back(t);
      if (j == positions - 1 || t != proposal[j]) break;  // the main model's own token ends the round
      ++st.accepted;
    }
    if (done) break;
    // 3. The draft keeps only what it consumed of the agreed prefix.
    size_t agreed = consumed_before;
    while (agreed < sequence.size() && agreed - consumed_before < proposal.size() &&
           sequence[agreed] == proposal[agreed - consumed_before])
      ++agreed;
    draft.rewind_decoding(draft_state, std::min(draft_state.step, static_cast<int>(agreed)));
  }
  return finish(output, log_prob, o.length_penalty);
}

}  // namespace

std::vector<std::vector<Hypothesis>> speculative_greedy(const Seq2Seq& model, const Seq2Seq& draft,
                                                        const std::vector<Ids>& sources,
                                                        const SearchOptions& o,
                                                        const SpecialIds& ids, int draft_tokens,
                                                        SpeculativeStats* stats) {
  TANDEM_CHECK(o.beam == 1 && o.nbest == 1 && o.sampling == Sampling::None)
      << "speculative decoding is greedy: --beam 1, no --nbest, no --sampling";
  TANDEM_CHECK(draft_tokens >= 1) << "--draft-tokens must be >= 1, got " << draft_tokens;
  TANDEM_CHECK(draft.config().tgt_vocab_size == model.config().tgt_vocab_size)
      << "draft model has " << draft.config().tgt_vocab_size << " target pieces, the model "
      << model.config().tgt_vocab_size;
  SpeculativeStats local;
  std::vector<std::vector<Hypothesis>> results;
  for (const auto& source : sources) {
    TANDEM_CHECK(!source.empty()) << "decode: empty source (it must at least hold EOS)";
    results.push_back({decode_one(model, draft, source, o, ids, draft_tokens, local)});
  }
  if (stats) stats->add(local);
  return results;
}

}  // namespace tandem
