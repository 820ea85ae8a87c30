#include "search/pair_scorer.h"

#include <algorithm>

#include "core/error.h"
#include "model/batch.h"
#include "search/batching.h"
#include "search/beam_search.h"
#include "search/step_rules.h"

namespace tandem {

std::vector<PairScore> score_token_pairs(const Seq2Seq& model, const std::vector<Ids>& sources,
                                         const std::vector<Ids>& targets, const SpecialIds& ids, int batch_tokens,
                                         float length_penalty_alpha, bool per_token) {
  TANDEM_CHECK(sources.size() == targets.size()) << sources.size() << " sources but " << targets.size() << " targets";
  std::vector<int> lengths(sources.size());
  for (size_t i = 0; i < sources.size(); ++i)
    lengths[i] = static_cast<int>(std::max(sources[i].size(), targets[i].size() + 1));
  std::vector<PairScore> out(sources.size());
  const int vocab = model.config().tgt_vocab_size;
  for (const auto& batch_rows : batches_by_length(lengths, batch_tokens)) {
    std::vector<Ids> src, tgt;
    for (int i : batch_rows) src.push_back(sources[i]), tgt.push_back(targets[i]);
    const Batch batch = make_batch(src, tgt, ids.pad, ids.bos, ids.eos);
    Matrix logits;
    model.forward(batch, logits, nullptr, nullptr);
    for (size_t b = 0; b < batch_rows.size(); ++b) {
      PairScore& s = out[batch_rows[b]];
      s.tokens = batch.tgt_shape.lengths[b];
      for (int t = 0; t < s.tokens; ++t) {
        const int row = static_cast<int>(b) * batch.tgt_shape.len + t;
        float* logp = logits.row(row).data();
        log_softmax_row(logp, vocab);
        const float token = logp[batch.tgt_out[row]];
        s.log_prob += token;
        if (per_token) s.token_log_probs.push_back(token);
      }
      s.score = static_cast<float>(s.log_prob / length_penalty(length_penalty_alpha, s.tokens));
    }
  }
  return out;
}

PairScorer::PairScorer(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target, int batch_tokens,
                       float length_penalty)
    : model_(model), source_(source), target_(target), batch_tokens_(batch_tokens),
      length_penalty_(length_penalty) {
  TANDEM_CHECK(batch_tokens > 0) << "batch tokens must be positive, got " << batch_tokens;
}

std::vector<PairScore> PairScorer::score(const std::vector<std::string>& sources,
                                         const std::vector<std::string>& targets, bool per_token,
                                         int64_t first_line, const std::string& prefix) const {
  TANDEM_CHECK(sources.size() == targets.size())
      << sources.size() << " sources but " << targets.size() << " targets";
  const int64_t limit = model_.config().position_limit();
  const size_t n = sources.size();
  std::vector<Ids> src(n), tgt(n);
  for (size_t i = 0; i < n; ++i) {
    src[i] = source_.encode(prefix.empty() ? sources[i] : prefix + " " + sources[i]);
    src[i].push_back(source_.eos_id());
    tgt[i] = target_.encode(targets[i]);
    const int64_t line = first_line + static_cast<int64_t>(i);
    TANDEM_CHECK(static_cast<int64_t>(src[i].size()) <= limit)
        << "line " << line << ": the source has " << src[i].size() - 1 << " tokens, the model takes at most "
        << limit - 1;
    TANDEM_CHECK(static_cast<int64_t>(tgt[i].size()) + 1 <= limit)
        << "line " << line << ": the target has " << tgt[i].size() << " tokens, the model takes at most "
        << limit - 1;
  }
  return score_token_pairs(model_, src, tgt, {source_.pad_id(), target_.bos_id(), target_.eos_id()}, batch_tokens_,
                           length_penalty_, per_token);
}

}  // namespace tandem
