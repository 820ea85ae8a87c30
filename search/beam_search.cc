#include "search/beam_search.h"

#include "search/step_loop.h"
#include "search/step_rules.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "core/error.h"
#include "core/memory_limit.h"
#include "core/rng.h"
#include "core/threads.h"

namespace tandem {
namespace {

struct OpenHypothesis {
  Ids tokens;
  double log_prob = 0;
  std::vector<Eigen::VectorXf> attention;  // record_attention only
};

// One sentence being decoded; its open hypotheses are consecutive decoder rows.
struct SentenceSearch {
  int index = 0;    // position in `sources`
  int max_len = 0;  // output tokens, EOS included
  std::vector<OpenHypothesis> open;
  std::vector<Hypothesis> finished;
  bool done = false;
};

bool better(const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; }

struct Candidate {
  float score;
  int row;
  int token;
};

// Draws a token from softmax(logits / T) restricted by top-k / top-p;
// `fallback` (EOS) when no token is allowed or every logit is -inf or NaN.
int sample_token(const float* logits, int vocab, const SearchOptions& o, float u, int fallback) {
  std::vector<std::pair<float, int>> cand;
  cand.reserve(vocab);
  for (int v = 0; v < vocab; ++v)
    if (logits[v] > kNegInf) cand.emplace_back(logits[v] / o.temperature, v);
  if (cand.empty()) return fallback;
  std::sort(cand.begin(), cand.end(), [](auto& a, auto& b) { return a.first > b.first; });
  size_t keep = cand.size();
  if (o.sampling == Sampling::TopK) keep = std::min<size_t>(keep, std::max(1, o.top_k));
  const float mx = cand.front().first;
  std::vector<double> p(keep);
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) sum += p[i] = std::exp(static_cast<double>(cand[i].first - mx));
  if (o.sampling == Sampling::TopP) {
    double acc = 0;
    size_t i = 0;
    for (; i < keep; ++i) {
      acc += p[i] / sum;
      if (acc >= o.top_p) break;
    }
    keep = std::min(keep, i + 1);
    sum = 0;
    for (size_t j = 0; j < keep; ++j) sum += p[j];
  }
  double target = u * sum;
  for (size_t i = 0; i < keep; ++i) {
    target -= p[i];
    if (target < 0) return cand[i].second;
  }
  return cand[keep - 1].second;
}

struct Prepared {
  Matrix memory;
  SeqShape shape;
  std::vector<int> max_len;
  int capacity = 0;
};

Prepared encode_sources(const Seq2Seq& model, const std::vector<Ids>& sources,
                        const SearchOptions& o, const SpecialIds& ids) {
  Prepared p;
  const int n = static_cast<int>(sources.size());
  p.shape.batch = n;
  for (const auto& s : sources) {
    TANDEM_CHECK(!s.empty()) << "decode: empty source (it must at least hold EOS)";
    p.shape.lengths.push_back(static_cast<int>(s.size()));
    p.shape.len = std::max(p.shape.len, static_cast<int>(s.size()));
  }
  Ids padded(p.shape.rows(), ids.pad);
  for (int b = 0; b < n; ++b) std::copy(sources[b].begin(), sources[b].end(), padded.begin() + b * p.shape.len);
  model.encode(padded, p.shape, p.memory);
  for (int b = 0; b < n; ++b) {
    p.max_len.push_back(max_output_length(o, p.shape.lengths[b], model.config().position_limit()));
    p.capacity = std::max(p.capacity, p.max_len.back());
  }
  // The self-attention cache holds capacity tokens for every open hypothesis,
  // in each of the batches decoded at the same time.
  const int concurrent = std::max(1, o.concurrent_batches);
  check_fits_in_memory(static_cast<double>(p.capacity) * n * o.beam * concurrent *
                           static_cast<double>(model.config().kv_cache_bytes_per_token()),
                       "the decoding cache (" + std::to_string(p.capacity) + " output tokens x " +
                           std::to_string(n * o.beam) + " hypotheses" +
                           (concurrent > 1 ? " x " + std::to_string(concurrent) + " batches at once" : "") + ")",
                       "decode: --max-len-a " + std::to_string(o.max_len_a) + " --max-len-b " +
                           std::to_string(o.max_len_b) + " --beam " + std::to_string(o.beam));
  return p;
}

// Beam 1: argmax (or a sample) per row; a row finishes at EOS and leaves.
class GreedySearch {
 public:
  GreedySearch(const SearchOptions& o, const SpecialIds& ids, const Prepared& p,
               const std::vector<uint64_t>& keys, int sentences)
      : o_(o), ids_(ids), max_len_(p.max_len), keys_(keys), results_(sentences),
        sentence_(sentences), open_(sentences) {
    for (int b = 0; b < sentences; ++b) sentence_[b] = b;
  }

  void start_step(int rows) { chosen_.resize(rows); }

  void score_row(int r, float* logp, int vocab, int step) {
    apply_constraints(logp, vocab, open_[r].tokens, max_len_[sentence_[r]], o_, ids_);
    if (o_.sampling == Sampling::None) {
      chosen_[r] = argmax_token(logp, vocab, ids_.eos);
      return;
    }
    // softmax(logp / T) is softmax(logits / T): the row's shift cancels.
    const uint64_t key = keys_.empty() ? sentence_[r] : keys_[sentence_[r]];
    const float u = Rng(o_.seed, key).next().uniform(step);
    chosen_[r] = sample_token(logp, vocab, o_, u, ids_.eos);
  }

  void advance(const Matrix& logp, std::vector<Eigen::VectorXf>& attention,
               std::vector<int>& parents, Ids& next_tokens) {
    for (int r = 0; r < static_cast<int>(sentence_.size()); ++r) {
      const int token = chosen_[r];
      OpenHypothesis& h = open_[r];
      h.log_prob += logp(r, token);
      if (o_.record_attention) h.attention.push_back(std::move(attention[r]));
      if (token == ids_.eos) {
        results_[sentence_[r]].push_back(
            finish(h.tokens, h.log_prob, o_.length_penalty, std::move(h.attention)));
      } else {
        h.tokens.push_back(token);
        parents.push_back(r);
      }
    }
    for (size_t i = 0; i < parents.size(); ++i) {  // compact: rows only move down
      sentence_[i] = sentence_[parents[i]];
      if (static_cast<int>(i) != parents[i]) open_[i] = std::move(open_[parents[i]]);
    }
    sentence_.resize(parents.size());
    open_.resize(parents.size());
    for (const auto& h : open_) next_tokens.push_back(h.tokens.back());
  }

  std::vector<std::vector<Hypothesis>> results() { return std::move(results_); }

 private:
  const SearchOptions& o_;
  const SpecialIds& ids_;
  const std::vector<int>& max_len_;
  const std::vector<uint64_t>& keys_;
  std::vector<std::vector<Hypothesis>> results_;
  std::vector<int> sentence_;          // decoder row -> sentence
  std::vector<OpenHypothesis> open_;   // decoder row -> its hypothesis
  std::vector<int> chosen_;            // decoder row -> this step's token
};

// Beam k: each sentence keeps its k best open hypotheses (consecutive decoder
// rows) and its finished ones, until no open one can beat the nbest finished.
class BeamSearch {
 public:
  BeamSearch(const SearchOptions& o, const SpecialIds& ids, const Prepared& p, int sentences)
      : o_(o), ids_(ids), searches_(sentences) {
    for (int b = 0; b < sentences; ++b) {
      searches_[b].index = b;
      searches_[b].max_len = p.max_len[b];
      searches_[b].open.resize(1);  // BOS only; grows to k after the first step
    }
  }

  void start_step(int rows) {
    row_of_.clear();
    for (const auto& s : searches_)
      if (!s.done)
        for (int i = 0; i < static_cast<int>(s.open.size()); ++i) row_of_.emplace_back(&s, i);
    TANDEM_CHECK(static_cast<int>(row_of_.size()) == rows) << "beam search: rows out of step";
    tops_.resize(rows);
  }

  // The best 2k tokens of the row: enough for k open hypotheses even if k end.
  void score_row(int r, float* logp, int vocab, int /*step*/) {
    const auto& [search, i] = row_of_[r];
    apply_constraints(logp, vocab, search->open[i].tokens, search->max_len, o_, ids_);
    top_tokens(logp, vocab, 2 * o_.beam, tops_[r]);
  }

  void advance(const Matrix& /*logp*/, const std::vector<Eigen::VectorXf>& attention,
               std::vector<int>& parents, Ids& next_tokens) {
    const int k = o_.beam;
    // The parent's attention history plus this step's row (record_attention only).
    auto history = [&](const OpenHypothesis& parent, int row) {
      if (!o_.record_attention) return std::vector<Eigen::VectorXf>();
      std::vector<Eigen::VectorXf> a(parent.attention);
      a.push_back(attention[row]);
      return a;
    };
    int row = 0;
    for (auto& s : searches_) {
      if (s.done) continue;
      const int rows = static_cast<int>(s.open.size());
      cands_.clear();
      for (int i = 0; i < rows; ++i)
        for (const auto& [l, v] : tops_[row + i])
          cands_.push_back({static_cast<float>(s.open[i].log_prob + l), i, v});
      std::sort(cands_.begin(), cands_.end(), [](const Candidate& a, const Candidate& b) {
        return a.score > b.score || (a.score == b.score && (a.row < b.row || (a.row == b.row && a.token < b.token)));
      });
      if (cands_.size() > static_cast<size_t>(2 * k)) cands_.resize(2 * k);
      std::vector<OpenHypothesis> next;
      const size_t first_parent = parents.size();
      for (const auto& c : cands_) {
        const OpenHypothesis& parent = s.open[c.row];
        if (c.token == ids_.eos) {
          s.finished.push_back(finish(parent.tokens, c.score, o_.length_penalty,
                                      history(parent, row + c.row)));
        } else if (static_cast<int>(next.size()) < k) {
          OpenHypothesis h{parent.tokens, c.score, history(parent, row + c.row)};
          h.tokens.push_back(c.token);
          next.push_back(std::move(h));
          parents.push_back(row + c.row);
        }
      }
      row += rows;
      if (finished_beyond_reach(s, next)) {
        s.done = true;
        parents.resize(first_parent);
        s.open.clear();
      } else {
        for (const auto& h : next) next_tokens.push_back(h.tokens.back());
        s.open = std::move(next);
      }
    }
  }

  std::vector<std::vector<Hypothesis>> results() {
    std::vector<std::vector<Hypothesis>> out(searches_.size());
    for (auto& s : searches_) {
      if (static_cast<int>(s.finished.size()) > o_.nbest) s.finished.resize(o_.nbest);
      out[s.index] = std::move(s.finished);
    }
    return out;
  }

 private:
  // Done when nbest are finished and no open hypothesis can still beat them.
  bool finished_beyond_reach(SentenceSearch& s, const std::vector<OpenHypothesis>& next) const {
    std::sort(s.finished.begin(), s.finished.end(), better);
    if (next.empty()) return true;
    if (static_cast<int>(s.finished.size()) < o_.nbest) return false;
    double best_open = -std::numeric_limits<double>::infinity();
    for (const auto& h : next) best_open = std::max(best_open, h.log_prob);
    const double bound = best_open / length_penalty(o_.length_penalty, s.max_len);
    return s.finished[o_.nbest - 1].score >= bound;
  }

  const SearchOptions& o_;
  const SpecialIds& ids_;
  std::vector<SentenceSearch> searches_;
  std::vector<std::pair<const SentenceSearch*, int>> row_of_;  // decoder row -> (search, hypothesis)
  std::vector<std::vector<std::pair<float, int>>> tops_;       // decoder row -> best tokens
  std::vector<Candidate> cands_;
};

std::vector<std::vector<Hypothesis>> search(const Seq2Seq& model, const std::vector<Ids>& sources,
                                            const SearchOptions& o, const SpecialIds& ids,
                                            const std::vector<uint64_t>& keys) {
  const int n = static_cast<int>(sources.size());
  Prepared p = encode_sources(model, sources, o, ids);
  DecoderState state;
  model.start_decoding(p.memory, p.shape, p.capacity, state);
  const Ids bos(n, ids.bos);
  if (o.beam == 1) {
    GreedySearch greedy(o, ids, p, keys, n);
    run_step_loop(model, state, bos, o.record_attention, greedy);
    return greedy.results();
  }
  BeamSearch beam(o, ids, p, n);
  run_step_loop(model, state, bos, o.record_attention, beam);
  return beam.results();
}

}  // namespace

float length_penalty(float alpha, int length) {
  if (alpha == 0.f) return 1.f;
  return std::pow((5.f + static_cast<float>(length)) / 6.f, alpha);
}

int max_output_length(const SearchOptions& o, int src_len, int max_positions) {
  // In double: a huge --max-len-a would overflow int (undefined) before the clamp.
  const double len = std::floor(static_cast<double>(o.max_len_a) * src_len) + o.max_len_b;
  return static_cast<int>(std::clamp(len, 1.0, static_cast<double>(max_positions)));
}

std::vector<std::vector<Hypothesis>> decode_batch(const Seq2Seq& model,
                                                  const std::vector<Ids>& sources,
                                                  const SearchOptions& o, const SpecialIds& ids,
                                                  const std::vector<uint64_t>& keys) {
  TANDEM_CHECK(o.beam >= 1 && o.beam <= kMaxBeam)
      << "--beam must be between 1 and " << kMaxBeam << ", got " << o.beam;
  TANDEM_CHECK(std::isfinite(o.max_len_a) && o.max_len_a >= 0)
      << "--max-len-a must be a finite number >= 0, got " << o.max_len_a;
  TANDEM_CHECK(o.nbest >= 1 && o.nbest <= o.beam)
      << "--nbest must be between 1 and the beam size " << o.beam << ", got " << o.nbest;
  TANDEM_CHECK(o.length_penalty >= 0.f) << "--length-penalty must be >= 0, got " << o.length_penalty;
  TANDEM_CHECK(o.temperature > 0.f) << "--temperature must be > 0, got " << o.temperature;
  TANDEM_CHECK(o.sampling == Sampling::None || o.beam == 1)
      << "sampling draws one hypothesis per sentence: use --beam 1";
  TANDEM_CHECK(keys.empty() || keys.size() == sources.size()) << "decode: sentence keys mismatch";
  if (sources.empty()) return {};
  return search(model, sources, o, ids, keys);
}

}  // namespace tandem
