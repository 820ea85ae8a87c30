#include "search/translator.h"

#include <algorithm>
#include <exception>

#include "core/error.h"
#include "search/batching.h"
#include "search/decode_strategy.h"
#include "search/segmenter.h"

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

void Translator::decode_window(const std::vector<Segment>& segments, Assembler& assembler, TranslateStats& stats,
                               const std::function<void()>& on_batch) const {
  if (segments.empty()) return;
  std::vector<int> lengths;
  for (const auto& s : segments) lengths.push_back(static_cast<int>(s.ids.size()));
  // With several workers each decodes whole batches on one thread, and the
  // token budget is shared between them so memory stays that of one batch.
  const int workers = std::max(1, workers_);
  const auto batches = batches_by_length(lengths, std::max(1, batch_tokens_ / workers), batch_sentences_);
  DecodeStrategy strategy(model_, options_, {source_.pad_id(), target_.bos_id(), target_.eos_id()}, draft_,
                          draft_tokens_);
  strategy.set_concurrent_batches(std::min<int>(workers, static_cast<int>(batches.size())));
  std::exception_ptr failure;
  // Longest batches come first, so dynamic scheduling ends the workers together.
#pragma omp parallel for schedule(dynamic, 1) num_threads(workers) if (workers > 1)
  for (size_t b = 0; b < batches.size(); ++b) {
    try {
      SpeculativeStats speculative;
      std::vector<const Segment*> batch;
      for (int i : batches[b]) batch.push_back(&segments[i]);
      auto result = strategy.decode(batch, &speculative);
#pragma omp critical(tandem_translate_results)
      {
        speculative_stats_.add(speculative);
        for (size_t j = 0; j < batches[b].size(); ++j) {
          if (!result[j].empty()) stats.output_tokens += static_cast<long long>(result[j][0].tokens.size()) + 1;
          stats.sentences += assembler.add(segments[batches[b][j]], std::move(result[j]));
        }
        if (on_batch) on_batch();
      }
    } catch (...) {
#pragma omp critical(tandem_translate_results)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

void Translator::translate_stream(InputSource& input, const Sink& emit, const StreamOptions& stream,
                                  const Progress& progress, const Warn& warn,
                                  const std::function<void()>& window_done) const {
  const Segmenter segmenter(source_, max_source_tokens());
  Assembler assembler(source_, target_, options_.record_attention, warn);
  TranslateStats stats;
  int64_t first = 0;  // the number of the window's first input
  int64_t emitted = 0;
  uint64_t next_key = 0;  // sampling streams numbered over the whole input
  std::vector<std::string> texts;
  std::vector<Segment> segments;
  std::vector<TextHypothesis> result;
  auto emit_ready = [&] {
    while (assembler.pop(result)) emit(emitted++, std::move(result));
  };
  while (take_window(input, std::max(1, stream.window), stream.max_wait_ms, texts)) {
    segments.clear();
    for (size_t i = 0; i < texts.size(); ++i) {
      const int64_t number = first + static_cast<int64_t>(i);
      stats.sentences += assembler.expect(number, segmenter.split(texts[i], number, segments, &next_key, warn));
    }
    first += static_cast<int64_t>(texts.size());
    decode_window(segments, assembler, stats, [&] {
      if (progress) progress(stats, stream.total);
    });
    emit_ready();
    if (window_done) window_done();
    if (progress) progress(stats, stream.total);
  }
  TANDEM_CHECK(assembler.pending() == 0) << "internal error: " << assembler.pending() << " inputs left unassembled";
}

std::vector<std::vector<TextHypothesis>> Translator::translate(const std::vector<std::string>& lines,
                                                               const Progress& progress, const Warn& warn) const {
  std::vector<std::vector<TextHypothesis>> results(lines.size());
  ListSource input(lines);
  StreamOptions whole;  // one window: batches are cut from every line at once
  whole.window = static_cast<int>(std::min<size_t>(std::max<size_t>(1, lines.size()), 1u << 30));
  whole.max_wait_ms = -1;
  whole.total = static_cast<int64_t>(lines.size());
  translate_stream(
      input,
      [&](int64_t i, std::vector<TextHypothesis>&& nbest) { results[static_cast<size_t>(i)] = std::move(nbest); },
      whole, progress, warn);
  return results;
}

}  // namespace tandem
