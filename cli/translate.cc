// cli/translate.cc: `tandem translate -m MODEL.h5 [-i IN] [-o OUT]`: one output
// line per input line, in input order, decoded in length-sorted batches.
// --alignment appends Moses-style word alignments; --attention writes the
// cross-attention weights of every line to HDF5 (layout in docs/model_file.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "cli/decode_options.h"
#include "cli/loaded_model.h"
#include "cli/output_file.h"
#include "cli/translation_io.h"
#include "cli/progress.h"
#include "core/error.h"
#include "core/threads.h"
#include "io/atomic_file.h"
#include "io/hdf5.h"
#include "io/line_reader.h"
#include "search/translator.h"

namespace tandem::cli {

namespace {

std::string joined(const std::vector<std::string>& pieces) {
  std::string s;
  for (const auto& p : pieces) s += (s.empty() ? "" : " ") + p;
  return s;
}

// /lines/<i>/weights [target pieces + EOS, source pieces + EOS] (float32),
// source_pieces / target_pieces (space-separated), source_words / target_words
// (word index of each piece), for the best hypothesis of each line. Empty lines
// and lines translated in pieces have no group.
void write_attention(const std::string& path,
                     const std::vector<std::vector<TextHypothesis>>& results) {
  write_atomically(path, [&](const std::string& tmp) {
    const H5File f = H5File::create(tmp);
    f.set_attr("format", "tandem-attention");
    for (size_t i = 0; i < results.size(); ++i) {
      const AttentionRecord& a = results[i][0].attention;
      if (a.weights.size() == 0) continue;
      const std::string g = "/lines/" + std::to_string(i) + "/";
      f.write_floats(g + "weights", {static_cast<hsize_t>(a.weights.rows()),
                                     static_cast<hsize_t>(a.weights.cols())}, a.weights.data());
      f.write_string(g + "source_pieces", joined(a.source_pieces));
      f.write_string(g + "target_pieces", joined(a.target_pieces));
      f.write_int64s(g + "source_words", std::vector<int64_t>(a.source_words.begin(), a.source_words.end()));
      f.write_int64s(g + "target_words", std::vector<int64_t>(a.target_words.begin(), a.target_words.end()));
    }
  });
}

// Lines of a regular file, counted for the progress line's ETA; -1 for
// stdin or a pipe (counting would consume it).
int64_t count_lines(const std::string& path) {
  if (path.empty() || path == "-" || !std::filesystem::is_regular_file(path)) return -1;
  std::ifstream in(path, std::ios::binary);
  int64_t lines = 0;
  char last = '\n';
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    const auto n = static_cast<size_t>(in.gcount());
    lines += std::count(buffer.data(), buffer.data() + n, '\n');
    last = buffer[n - 1];
  }
  return lines + (last != '\n');
}

}  // namespace

int run_translate(int argc, char** argv) {
  po::options_description io("input/output");
  io.add_options()("model,m", po::value<std::string>()->required(), "model file (HDF5)")(
      "input,i", po::value<std::string>()->default_value("-"), "source text, one sentence per line (- = stdin)")(
      "output,o", po::value<std::string>()->default_value("-"), "translations (- = stdout)")(
      "alignment", po::bool_switch(),
      "append ` ||| i-j ...` word alignments: target word j to the source word i its\n"
      "decoding step attended to most (last decoder layer, mean over heads)")(
      "attention", po::value<std::string>(),
      "write each line's cross-attention weights (target x source pieces) to this HDF5 file")(
      "draft-model", po::value<std::string>(),
      "speculative decoding: a small model with the same target vocabulary proposes tokens that "
      "this model verifies in one pass; the output is this model's greedy output (needs --beam 1)")(
      "draft-tokens", po::value<int>()->default_value(4), "tokens the draft model proposes per round")(
      "tag", po::value<std::string>(),
      "put this tag before every input line: the target language of a multilingual model, as its "
      "recipe's data tag says (e.g. >>de<<)")(
      "workers", po::value<int>()->default_value(0),
      "batches decoded at the same time, one thread each (0 = one per --threads; 1 = one batch "
      "at a time on all threads: the lowest latency per sentence)")(
      "window", po::value<int>()->default_value(4096),
      "lines read and decoded together (batches are cut from all of them); each window's\n"
      "translations are written as soon as it is done, so memory does not grow with the\n"
      "input. A pipe or terminal gets what has arrived decoded after 20 ms");
  po::options_description all = decode_command_options(io);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem translate -m MODEL.h5 [-i IN] [-o OUT] [options]",
                          "Translate text, one sentence per line, streamed: output lines appear in\n"
                          "input order as their window is done. Empty lines stay empty; lines\n"
                          "longer than the model takes are translated in pieces (said on stderr).",
                          all, {}, vm))
    return 0;
  apply_common_options(vm);
  const std::string attention_path = vm.count("attention") ? vm["attention"].as<std::string>() : "";
  check_outputs_spare_inputs({{"-o", vm["output"].as<std::string>()}, {"--attention", attention_path}},
                             {vm["input"].as<std::string>(), vm["model"].as<std::string>()});

  LoadedModel m = load_for_decoding(vm["model"].as<std::string>());
  apply_decode_options(vm, m.decode);
  apply_compute_type(vm, m);
  const bool alignment = vm["alignment"].as<bool>();
  m.decode.search.record_attention = alignment || !attention_path.empty();
  const std::string input_path = vm["input"].as<std::string>();
  LineReader lines(input_path);
  TaggedSource input(lines, vm.count("tag") ? vm["tag"].as<std::string>() : "");
  if (vm.count("tag")) {
    // Word alignments would count the tag as source word 0.
    TANDEM_CHECK(!m.decode.search.record_attention) << "--tag: no --alignment or --attention with it";
    check_tag(vm["tag"].as<std::string>(), *m.source);
  }
  Progress progress(vm["progress"].as<bool>() || Progress::stderr_is_terminal(), "sentences");
  Translator translator(*m.model, *m.source, *m.target, m.decode.search, m.decode.batch_tokens,
                                m.decode.batch_sentences);
  const int workers = vm["workers"].as<int>();
  TANDEM_CHECK(workers >= 0 && workers <= kMaxThreads)
      << "--workers must be between 0 and " << kMaxThreads << ", got " << workers;
  translator.set_workers(workers == 0 ? num_threads() : workers);
  LoadedModel draft;
  if (vm.count("draft-model")) {
    const std::string path = vm["draft-model"].as<std::string>();
    draft = load_for_decoding(path);
    TANDEM_CHECK(target_vocab_bytes(draft.meta) == target_vocab_bytes(m.meta))
        << path << ": the draft model's target vocabulary differs from the model's (speculative "
        << "decoding compares token ids: train the draft with the same vocabulary)";
    TANDEM_CHECK(m.decode.search.beam == 1 && !vm.count("sampling") && m.decode.search.nbest == 1)
        << "--draft-model: speculative decoding is greedy: add --beam 1 (no --sampling, no --nbest)";
    TANDEM_CHECK(!m.decode.search.record_attention) << "--draft-model: no --alignment or --attention";
    const int k = vm["draft-tokens"].as<int>();
    TANDEM_CHECK(k >= 1 && k <= 64) << "--draft-tokens must be between 1 and 64, got " << k;
    apply_compute_type(vm, draft);
    translator.set_draft(draft.model.get(), k);
  }
  // Streamed: lines are read a window at a time and each translation is
  // written as soon as its window is done (-o: into a temporary file renamed
  // at the end, so a failed run leaves no partial file under the name).
  StreamOptions stream;
  stream.window = vm["window"].as<int>();
  TANDEM_CHECK(stream.window >= 1 && stream.window <= (1 << 24))
      << "--window must be between 1 and 16777216 lines, got " << stream.window;
  if (progress.enabled()) stream.total = count_lines(input_path);
  const bool nbest = vm.count("nbest") > 0;
  std::vector<std::vector<TextHypothesis>> kept;  // --attention only: written at the end
  long long tokens = 0, done = 0;
  write_output(vm["output"].as<std::string>(), [&](std::ostream& out) {
    translator.translate_stream(
        input,
        [&](int64_t i, std::vector<TextHypothesis>&& result) {
          ++done;
          write_translation(out, i, result, nbest, alignment);
          if (!attention_path.empty()) kept.push_back(std::move(result));
        },
        stream,
        [&](const TranslateStats& s, int64_t total) {
          tokens = s.output_tokens;
          progress.update(s.sentences, total, s.output_tokens);
        },
        [](const std::string& message) { std::cerr << "tandem translate: warning: " << message << "\n"; },
        [&] {
          out.flush();
          TANDEM_CHECK(out) << vm["output"].as<std::string>() << ": write failed: " << std::strerror(errno);
        });
  });
  progress.finish(done, tokens);
  if (draft.model) {
    const SpeculativeStats& s = translator.speculative_stats();
    std::fprintf(stderr,
                 "speculative decoding: %lld of %lld drafted tokens accepted (%.1f%%); %.2f tokens per "
                 "pass of the model (%lld passes for %lld tokens)\n",
                 s.accepted, s.proposed, s.proposed ? 100.0 * s.accepted / s.proposed : 0.0,
                 s.main_passes ? static_cast<double>(s.output_tokens) / s.main_passes : 0.0,
                 s.main_passes, s.output_tokens);
  }

  if (!attention_path.empty()) write_attention(attention_path, kept);
  return 0;
}

}  // namespace tandem::cli
