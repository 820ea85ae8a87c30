#include "tandem/translator.h"

#include <cmath>
#include <cstring>

#include "api/guard.h"
#include "api/translator_impl.h"
#include "cli/decode_options.h"
#include "cli/output_file.h"
#include "cli/translation_io.h"
#include "core/input_source.h"
#include "core/threads.h"
#include "io/line_reader.h"
#include "kernels/compute_type.h"
#include "search/pair_score_format.h"
#include "search/pair_scorer.h"

namespace tandem::api {
namespace {

// A std::function as an InputSource (a Python iterator, a caller's loop).
class CallbackSource : public InputSource {
 public:
  explicit CallbackSource(const std::function<bool(std::string&)>& next) : next_(next) {}
  bool next(std::string& line) override { return next_(line); }
  bool ready(int) override { return true; }

 private:
  const std::function<bool(std::string&)>& next_;
};

Hypothesis to_public(TextHypothesis&& h) {
  Hypothesis out;
  out.text = std::move(h.text);
  out.score = h.score;
  out.tokens = h.tokens;
  out.alignment = std::move(h.alignment);
  const Matrix& w = h.attention.weights;
  if (w.size() > 0) {
    out.attention_rows = static_cast<int>(w.rows());
    out.attention_cols = static_cast<int>(w.cols());
    out.attention.assign(w.data(), w.data() + w.size());  // row-major already
    out.source_pieces = std::move(h.attention.source_pieces);
    out.target_pieces = std::move(h.attention.target_pieces);
  }
  return out;
}

Result to_public(std::vector<TextHypothesis>&& nbest) {
  Result r;
  for (auto& h : nbest) r.push_back(to_public(std::move(h)));
  return r;
}

}  // namespace

Translator::Impl::Impl(const std::string& model_path, const ModelOptions& o) : path(model_path), options(o) {
  require_file(path, "model file");
  TANDEM_CHECK(o.threads >= 0 && o.threads <= kMaxThreads)
      << "threads must be between 0 and " << kMaxThreads << ", got " << o.threads;
  TANDEM_CHECK(o.workers >= 0 && o.workers <= kMaxThreads)
      << "workers must be between 0 and " << kMaxThreads << ", got " << o.workers;
  loaded = cli::load_for_decoding(path);
  cli::prepare_compute_type(loaded, o.compute_type, "compute_type");
}

DecodeConfig Translator::Impl::decode_config(const DecodeOptions& o) const {
  DecodeConfig c = loaded.decode;
  SearchOptions& s = c.search;
  // Unset = 0 or negative; NaN counts as set, so that the check refuses it.
  if (o.beam > 0) s.beam = o.beam;
  s.nbest = o.nbest;
  if (!(o.length_penalty < 0)) s.length_penalty = o.length_penalty;
  if (!(o.max_len_a < 0)) s.max_len_a = o.max_len_a;
  if (o.max_len_b >= 0) s.max_len_b = o.max_len_b;
  if (o.batch_tokens > 0) c.batch_tokens = o.batch_tokens;
  if (o.batch_size > 0) c.batch_sentences = o.batch_size;
  s.record_attention = o.return_attention;
  check_decode_config(c, "");
  if (!o.tag.empty()) {
    cli::check_tag(o.tag, *loaded.source);
    TANDEM_CHECK(!o.return_attention) << "tag: no return_attention with it (the tag would count as a source word)";
  }
  return c;
}

tandem::Translator Translator::Impl::translator(const DecodeConfig& c) const {
  use_threads(options.threads);
  tandem::Translator t(*loaded.model, *loaded.source, *loaded.target, c.search, c.batch_tokens, c.batch_sentences);
  t.set_workers(options.workers > 0 ? options.workers : num_threads());
  return t;
}

void Translator::Impl::stream(InputSource& input, const DecodeOptions& o, int window,
                              const tandem::Translator::Sink& emit) const {
  TANDEM_CHECK(window >= 1 && window <= (1 << 24)) << "window must be between 1 and 16777216, got " << window;
  const DecodeConfig c = decode_config(o);
  cli::TaggedSource tagged(input, o.tag);
  StreamOptions stream;
  stream.window = window;
  stream.max_wait_ms = -1;  // a caller's iterator: fill whole windows
  translator(c).translate_stream(tagged, emit, stream);
}

Translator::Translator(const std::string& model_path, const ModelOptions& options)
    : impl_(guarded([&] { return std::make_unique<Impl>(model_path, options); })) {}
Translator::~Translator() = default;
Translator::Translator(Translator&&) noexcept = default;
Translator& Translator::operator=(Translator&&) noexcept = default;

std::vector<Result> Translator::translate_batch(const std::vector<std::string>& sources,
                                                const DecodeOptions& options) const {
  return guarded([&] {
    std::vector<Result> results(sources.size());
    ListSource input(sources);
    impl_->stream(input, options, 4096,  // the command line's window: the same batches
                  [&](int64_t i, std::vector<TextHypothesis>&& r) { results[i] = to_public(std::move(r)); });
    return results;
  });
}

void Translator::translate_stream(const std::function<bool(std::string&)>& next,
                                  const std::function<void(int64_t, Result&&)>& emit, const DecodeOptions& options,
                                  int window) const {
  guarded([&] {
    CallbackSource input(next);
    impl_->stream(input, options, window,
                  [&](int64_t i, std::vector<TextHypothesis>&& r) { emit(i, to_public(std::move(r))); });
  });
}

void Translator::translate_file(const std::string& input, const std::string& output,
                                const DecodeOptions& options) const {
  require_file(input, "input");
  guarded([&] {
    cli::check_outputs_spare_inputs({{"output", output}}, {input, impl_->path});
    LineReader lines(input);
    const bool nbest = options.nbest > 1;
    cli::write_output(output, [&](std::ostream& out) {
      impl_->stream(lines, options, 4096, [&](int64_t i, std::vector<TextHypothesis>&& r) {
        cli::write_translation(out, i, r, nbest, false);
      });
      out.flush();
      TANDEM_CHECK(out) << output << ": write failed: " << std::strerror(errno);
    });
  });
}

std::vector<PairScore> Translator::score_batch(const std::vector<std::string>& sources,
                                               const std::vector<std::string>& targets, bool per_token,
                                               const std::string& tag, float length_penalty) const {
  return guarded([&] {
    const cli::LoadedModel& m = impl_->loaded;
    if (!tag.empty()) cli::check_tag(tag, *m.source);
    use_threads(impl_->options.threads);
    TANDEM_CHECK(!std::isnan(length_penalty)) << "length_penalty must be >= 0, got nan";
    const float alpha = length_penalty >= 0 ? length_penalty : m.decode.search.length_penalty;
    const PairScorer scorer(*m.model, *m.source, *m.target, m.decode.batch_tokens, alpha);
    std::vector<PairScore> out;
    for (auto& s : scorer.score(sources, targets, per_token, 1, tag))
      out.push_back({s.log_prob, s.score, s.tokens, std::move(s.token_log_probs)});
    return out;
  });
}

std::string Translator::format_score(const PairScore& score, bool per_token, bool normalize) {
  tandem::PairScore s;
  s.log_prob = score.log_prob;
  s.score = score.score;
  s.tokens = score.tokens;
  s.token_log_probs = score.token_log_probs;
  return format_pair_score(s, {per_token, normalize});
}

std::string Translator::compute_type() const { return compute_type_name(impl_->loaded.model->compute_type()); }

std::vector<std::string> Translator::language_tags() const { return impl_->loaded.source->language_tags(); }

}  // namespace tandem::api
