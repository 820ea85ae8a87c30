#include "search/beam_search.h"

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

void log_softmax_rows(Matrix& logits) {
#pragma omp parallel for schedule(static)
  for (Eigen::Index r = 0; r < logits.rows(); ++r) log_softmax_row(logits.row(r).data(), static_cast<int>(logits.cols()));
}

bool better(const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; }

struct Candidate {
  float score;
  int row;
  int token;
};

// The best `count` tokens of one row by log-probability, unordered.
void top_tokens(const float* logp, int vocab, int count, std::vector<std::pair<float, int>>& out) {
  out.clear();
  auto worse = [](const std::pair<float, int>& a, const std::pair<float, int>& b) {
    return a.first > b.first;
  };
  for (int v = 0; v < vocab; ++v) {
    if (!(logp[v] > kNegInf)) continue;  // banned (-inf) or NaN: never a candidate
    if (static_cast<int>(out.size()) < count) {
      out.emplace_back(logp[v], v);
      std::push_heap(out.begin(), out.end(), worse);
    } else if (logp[v] > out.front().first) {
      std::pop_heap(out.begin(), out.end(), worse);
      out.back() = {logp[v], v};
      std::push_heap(out.begin(), out.end(), worse);
    }
  }
}

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

// The best token of a row; NaN never wins, and a row with nothing allowed ends.
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
  // The self-attention cache holds capacity tokens for every open hypothesis.
  check_fits_in_memory(static_cast<double>(p.capacity) * n * o.beam *
                           static_cast<double>(model.config().kv_cache_bytes_per_token()),
                       "the decoding cache (" + std::to_string(p.capacity) + " output tokens x " +
                           std::to_string(n * o.beam) + " hypotheses)",
                       "decode: --max-len-a " + std::to_string(o.max_len_a) + " --max-len-b " +
                           std::to_string(o.max_len_b) + " --beam " + std::to_string(o.beam));
  return p;
}

// Beam 1: argmax (or a sample) per row; a row finishes at EOS and leaves.
std::vector<std::vector<Hypothesis>> greedy(const Seq2Seq& model, const std::vector<Ids>& sources,
                                            const SearchOptions& o, const SpecialIds& ids,
                                            const std::vector<uint64_t>& keys) {
  const int n = static_cast<int>(sources.size());
  Prepared p = encode_sources(model, sources, o, ids);
  DecoderState state;
  model.start_decoding(p.memory, p.shape, p.capacity, state);
  std::vector<std::vector<Hypothesis>> results(n);
  std::vector<int> sentence(n);
  std::vector<OpenHypothesis> open(n);
  for (int b = 0; b < n; ++b) sentence[b] = b;
  Ids last(n, ids.bos);
  Matrix logits;
  std::vector<Eigen::VectorXf> weights;
  auto* record = o.record_attention ? &weights : nullptr;
  const bool sampling = o.sampling != Sampling::None;
  while (!sentence.empty()) {
    model.decode_step(last, state, logits, record);
    Matrix raw = sampling ? logits : Matrix();
    log_softmax_rows(logits);
    const int vocab = static_cast<int>(logits.cols());
    std::vector<int> keep;
    for (int r = 0; r < static_cast<int>(sentence.size()); ++r) {
      float* row = logits.row(r).data();
      apply_constraints(row, vocab, open[r].tokens, p.max_len[sentence[r]], o, ids);
      int token;
      if (sampling) {
        float* raw_row = raw.row(r).data();
        for (int v = 0; v < vocab; ++v)
          if (row[v] == kNegInf) raw_row[v] = kNegInf;
        const uint64_t key = keys.empty() ? sentence[r] : keys[sentence[r]];
        const float u = Rng(o.seed, key).next().uniform(state.step);
        token = sample_token(raw_row, vocab, o, u, ids.eos);
      } else {
        token = argmax_token(row, vocab, ids.eos);
      }
      open[r].log_prob += row[token];
      if (record) open[r].attention.push_back(std::move(weights[r]));
      if (token == ids.eos) {
        results[sentence[r]].push_back(finish(open[r].tokens, open[r].log_prob, o.length_penalty,
                                              std::move(open[r].attention)));
      } else {
        open[r].tokens.push_back(token);
        keep.push_back(r);
      }
    }
    if (static_cast<int>(keep.size()) != static_cast<int>(sentence.size())) {
      Decoder::reorder(state, keep);
      std::vector<int> next_sentence;
      std::vector<OpenHypothesis> next_open;
      for (int r : keep) {
        next_sentence.push_back(sentence[r]);
        next_open.push_back(std::move(open[r]));
      }
      sentence.swap(next_sentence);
      open.swap(next_open);
    }
    last.clear();
    for (const auto& h : open) last.push_back(h.tokens.back());
  }
  return results;
}

std::vector<std::vector<Hypothesis>> beam(const Seq2Seq& model, const std::vector<Ids>& sources,
                                          const SearchOptions& o, const SpecialIds& ids) {
  const int n = static_cast<int>(sources.size()), k = o.beam;
  Prepared p = encode_sources(model, sources, o, ids);
  DecoderState state;
  model.start_decoding(p.memory, p.shape, p.capacity, state);
  std::vector<SentenceSearch> searches(n);
  for (int b = 0; b < n; ++b) {
    searches[b].index = b;
    searches[b].max_len = p.max_len[b];
    searches[b].open.resize(1);  // BOS only; grows to k after the first step
  }
  const float final_lp_alpha = o.length_penalty;
  Ids last(n, ids.bos);
  Matrix logits;
  std::vector<Candidate> cands;
  std::vector<Eigen::VectorXf> weights;
  auto* record = o.record_attention ? &weights : nullptr;
  // The parent's attention history plus this step's row (record_attention only).
  auto history = [&](const OpenHypothesis& parent, int row) {
    if (!record) return std::vector<Eigen::VectorXf>();
    std::vector<Eigen::VectorXf> a(parent.attention);
    a.push_back(weights[row]);
    return a;
  };
  std::vector<std::pair<const SentenceSearch*, int>> row_of;  // decoder row -> (search, hypothesis)
  std::vector<std::vector<std::pair<float, int>>> tops;
  while (true) {
    model.decode_step(last, state, logits, record);
    const int vocab = static_cast<int>(logits.cols());
    row_of.clear();
    for (const auto& s : searches)
      if (!s.done)
        for (int i = 0; i < static_cast<int>(s.open.size()); ++i) row_of.emplace_back(&s, i);
    // Rows are independent: log-softmax, constraints and the best 2k tokens of
    // each row run in parallel (serial, they were a third of a step).
    tops.resize(row_of.size());
#pragma omp parallel for schedule(dynamic, 4) if (row_of.size() >= kMinParallelDecodeRows)
    for (int r = 0; r < static_cast<int>(row_of.size()); ++r) {
      float* lp = logits.row(r).data();
      log_softmax_row(lp, vocab);
      const auto& [search, i] = row_of[r];
      apply_constraints(lp, vocab, search->open[i].tokens, search->max_len, o, ids);
      top_tokens(lp, vocab, 2 * k, tops[r]);
    }
    std::vector<int> parents;
    last.clear();
    int row = 0;
    for (auto& s : searches) {
      if (s.done) continue;
      const int rows = static_cast<int>(s.open.size());
      cands.clear();
      for (int i = 0; i < rows; ++i)
        for (const auto& [l, v] : tops[row + i])
          cands.push_back({static_cast<float>(s.open[i].log_prob + l), i, v});
      std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
        return a.score > b.score || (a.score == b.score && (a.row < b.row || (a.row == b.row && a.token < b.token)));
      });
      if (cands.size() > static_cast<size_t>(2 * k)) cands.resize(2 * k);
      std::vector<OpenHypothesis> next;
      for (const auto& c : cands) {
        const OpenHypothesis& parent = s.open[c.row];
        if (c.token == ids.eos) {
          s.finished.push_back(finish(parent.tokens, c.score, final_lp_alpha,
                                      history(parent, row + c.row)));
        } else if (static_cast<int>(next.size()) < k) {
          OpenHypothesis h{parent.tokens, c.score, history(parent, row + c.row)};
          h.tokens.push_back(c.token);
          next.push_back(std::move(h));
          parents.push_back(row + c.row);
        }
      }
      row += rows;
      // Done when nbest are finished and no open hypothesis can still beat them.
      std::sort(s.finished.begin(), s.finished.end(), better);
      bool done = next.empty();
      if (!done && static_cast<int>(s.finished.size()) >= o.nbest) {
        double best_open = -std::numeric_limits<double>::infinity();
        for (const auto& h : next) best_open = std::max(best_open, h.log_prob);
        const double bound = best_open / length_penalty(final_lp_alpha, s.max_len);
        done = s.finished[o.nbest - 1].score >= bound;
      }
      if (done) {
        s.done = true;
        parents.resize(parents.size() - next.size());
        s.open.clear();
      } else {
        for (const auto& h : next) last.push_back(h.tokens.back());
        s.open = std::move(next);
      }
    }
    if (parents.empty()) break;
    Decoder::reorder(state, parents);
  }
  std::vector<std::vector<Hypothesis>> results(n);
  for (auto& s : searches) {
    if (static_cast<int>(s.finished.size()) > o.nbest) s.finished.resize(o.nbest);
    results[s.index] = std::move(s.finished);
  }
  return results;
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
  if (o.beam == 1) return greedy(model, sources, o, ids, keys);
  return beam(model, sources, o, ids);
}

}  // namespace tandem
