#include "search/translator.h"

#include <algorithm>
#include <exception>

#include "core/error.h"
#include "search/alignment.h"
#include "search/batching.h"

namespace tandem {

Translator::Translator(const Seq2Seq& model, const Tokenizer& source, const Tokenizer& target,
                       const SearchOptions& options, int batch_tokens, int batch_sentences)
    : model_(model), source_(source), target_(target), options_(options),
      batch_tokens_(batch_tokens), batch_sentences_(batch_sentences) {
  TANDEM_CHECK(batch_tokens > 0) << "--batch-tokens must be positive, got " << batch_tokens;
  TANDEM_CHECK(source.vocab_size() == model.config().src_vocab_size)
      << "source vocabulary has " << source.vocab_size() << " pieces, the model expects "
      << model.config().src_vocab_size;
  TANDEM_CHECK(target.vocab_size() == model.config().tgt_vocab_size)
      << "target vocabulary has " << target.vocab_size() << " pieces, the model expects "
      << model.config().tgt_vocab_size;
}

void Translator::attach_attention(const Ids& source, const Hypothesis& h,
                                  TextHypothesis& out) const {
  AttentionRecord& a = out.attention;
  for (size_t i = 0; i + 1 < source.size(); ++i) a.source_pieces.push_back(source_.piece(source[i]));
  for (int id : h.tokens) a.target_pieces.push_back(target_.piece(id));
  a.source_words = word_of_pieces(a.source_pieces);
  a.target_words = word_of_pieces(a.target_pieces);
  a.weights.resize(static_cast<Eigen::Index>(h.attention.size()), static_cast<Eigen::Index>(source.size()));
  for (size_t t = 0; t < h.attention.size(); ++t) a.weights.row(t) = h.attention[t].transpose();
  out.alignment = moses_alignment(h.attention, a.source_words, a.target_words);
}

std::vector<std::vector<TextHypothesis>> Translator::translate(
    const std::vector<std::string>& lines, const Progress& progress, const Warn& warn) const {
  // Segments: whole lines, or pieces of lines too long for the model.
  struct Segment {
    int line;
    Ids ids;  // ends with EOS
  };
  std::vector<Segment> segments;
  std::vector<int> pieces(lines.size(), 0);
  const int limit = max_source_tokens();
  TranslateStats stats;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const Ids ids = source_.encode(lines[i]);
    if (ids.empty()) continue;  // only whitespace
    // 64-bit: without a position table the limit is INT_MAX.
    const int n = static_cast<int>((static_cast<int64_t>(ids.size()) + limit - 1) / limit);
    if (n > 1 && warn)
      warn("line " + std::to_string(i + 1) + ": " + std::to_string(ids.size()) +
           " tokens exceed the model's " + std::to_string(limit) +
           " source positions; translated as " + std::to_string(n) + " pieces joined by a space");
    for (int p = 0; p < n; ++p) {
      const size_t begin = static_cast<size_t>(p) * limit;
      const size_t end = std::min(ids.size(), begin + limit);
      Segment s{static_cast<int>(i), Ids(ids.begin() + begin, ids.begin() + end)};
      s.ids.push_back(source_.eos_id());
      segments.push_back(std::move(s));
    }
    pieces[i] = n;
  }

  std::vector<int> lengths;
  for (const auto& s : segments) lengths.push_back(static_cast<int>(s.ids.size()));
  std::vector<std::vector<Hypothesis>> outputs(segments.size());
  const SpecialIds ids{source_.pad_id(), target_.bos_id(), target_.eos_id()};
  stats.sentences = 0;
  for (size_t i = 0; i < lines.size(); ++i) stats.sentences += pieces[i] == 0;
  const int total = static_cast<int>(lines.size());
  // With several workers each decodes whole batches on one thread, and the
  // token budget is shared between them so memory stays that of one batch.
  const int workers = std::max(1, workers_);
  const auto batches = batches_by_length(lengths, std::max(1, batch_tokens_ / workers), batch_sentences_);
  SearchOptions options = options_;
  options.concurrent_batches = std::min<int>(workers, static_cast<int>(std::max<size_t>(1, batches.size())));
  std::exception_ptr failure;
  // Longest batches come first, so dynamic scheduling ends the workers together.
#pragma omp parallel for schedule(dynamic, 1) num_threads(workers) if (workers > 1)
  for (size_t b = 0; b < batches.size(); ++b) {
    try {
      const auto& batch = batches[b];
      std::vector<Ids> sources;
      std::vector<uint64_t> keys;
      for (int i : batch) {
        sources.push_back(segments[i].ids);
        keys.push_back(static_cast<uint64_t>(i));
      }
      SpeculativeStats speculative;
      auto result = draft_ ? speculative_greedy(model_, *draft_, sources, options, ids, draft_tokens_, &speculative)
                           : decode_batch(model_, sources, options, ids, keys);
#pragma omp critical(tandem_translate_results)
      {
        speculative_stats_.add(speculative);
        for (size_t j = 0; j < batch.size(); ++j) {
          if (!result[j].empty()) stats.output_tokens += static_cast<long long>(result[j][0].tokens.size()) + 1;
          outputs[batch[j]] = std::move(result[j]);
          const int line = segments[batch[j]].line;
          if (--pieces[line] == 0) ++stats.sentences;
        }
        if (progress) progress(stats, total);
      }
    } catch (...) {
#pragma omp critical(tandem_translate_results)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);

  std::vector<std::vector<TextHypothesis>> results(lines.size());
  for (size_t s = 0; s < segments.size(); ++s) {
    auto& out = results[segments[s].line];
    const bool whole = (s == 0 || segments[s - 1].line != segments[s].line) &&
                       (s + 1 == segments.size() || segments[s + 1].line != segments[s].line);
    if (outputs[s].empty()) {
      if (warn) warn("line " + std::to_string(segments[s].line + 1) + ": no hypothesis found; output left empty");
      if (out.empty()) out.push_back({});
      continue;
    }
    if (whole) {
      for (const auto& h : outputs[s]) {
        TextHypothesis text;
        text.text = target_.decode(h.tokens);
        text.score = h.score;
        text.tokens = static_cast<int>(h.tokens.size());
        out.push_back(std::move(text));
        if (options_.record_attention) attach_attention(segments[s].ids, h, out.back());
      }
    } else {  // a piece: append its best output to the line's single hypothesis
      if (out.empty()) {
        out.push_back({});
        if (options_.record_attention && warn)
          warn("line " + std::to_string(segments[s].line + 1) +
               ": translated in pieces; no alignment or attention for it");
      }
      const auto& best = outputs[s][0];
      const std::string text = target_.decode(best.tokens);
      out[0].text += (out[0].text.empty() || text.empty() ? "" : " ") + text;
      out[0].score += best.score;
      out[0].tokens += static_cast<int>(best.tokens.size());
    }
  }
  for (auto& r : results)
    if (r.empty()) r.push_back({});
  return results;
}

}  // namespace tandem
