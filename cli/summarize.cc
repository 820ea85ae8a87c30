// cli/summarize.cc: `tandem summarize -m MODEL.h5`: one document per line (or
// the whole input as one document), one summary per document.
#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "cli/decode_options.h"
#include "cli/loaded_model.h"
#include "cli/output_file.h"
#include "cli/progress.h"
#include "core/error.h"
#include "io/line_reader.h"
#include "search/summarizer.h"

namespace tandem::cli {

int run_summarize(int argc, char** argv) {
  po::options_description io("input/output");
  io.add_options()("model,m", po::value<std::string>()->required(), "model file (HDF5)")(
      "input,i", po::value<std::string>()->default_value("-"), "documents, one per line (- = stdin)")(
      "output,o", po::value<std::string>()->default_value("-"), "summaries, one per line (- = stdout)")(
      "whole-file", po::bool_switch(), "treat the whole input as one document (lines joined by spaces)")(
      "window", po::value<int>()->default_value(1024),
      "documents read and summarized together; each window's summaries are written as\n"
      "soon as it is done, so memory does not grow with the input");
  po::options_description all = decode_command_options(io);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem summarize -m MODEL.h5 [-i IN] [-o OUT] [options]",
                          "Summarize documents. A document longer than the model takes is split at\n"
                          "sentence boundaries, the pieces are summarized, and their summaries are\n"
                          "summarized again while still too long; stderr says when this happens.",
                          all, {}, vm))
    return 0;
  apply_common_options(vm);
  check_outputs_spare_inputs({{"-o", vm["output"].as<std::string>()}},
                             {vm["input"].as<std::string>(), vm["model"].as<std::string>()});
  LoadedModel m = load_for_decoding(vm["model"].as<std::string>());
  apply_decode_options(vm, m.decode);
  apply_compute_type(vm, m);
  const int window = vm["window"].as<int>();
  TANDEM_CHECK(window >= 1 && window <= (1 << 24)) << "--window must be between 1 and 16777216, got " << window;
  LineReader input(vm["input"].as<std::string>());
  Progress progress(vm["progress"].as<bool>() || Progress::stderr_is_terminal(), "documents");
  const Translator translator(*m.model, *m.source, *m.target, m.decode.search, m.decode.batch_tokens);
  const Summarizer summarizer(translator);
  const auto log = [](const std::string& message) { std::cerr << "tandem summarize: " << message << "\n"; };
  long long tokens = 0, done = 0;
  write_output(vm["output"].as<std::string>(), [&](std::ostream& out) {
    std::vector<std::string> documents;
    if (vm["whole-file"].as<bool>()) {
      std::string joined;
      for (std::string line; input.next(line);)
        if (!line.empty()) joined += (joined.empty() ? "" : " ") + line;
      documents = {joined};
      for (const auto& s : summarizer.summarize(documents, nullptr, log)) out << s << "\n";
      done = 1;
      return;
    }
    // Streamed a window of documents at a time (what has arrived after 20 ms
    // on a pipe or terminal).
    while (take_window(input, window, 20, documents)) {
      long long window_tokens = 0;
      for (const auto& s : summarizer.summarize(
               documents,
               [&](const TranslateStats& st, int64_t) {
                 window_tokens = st.output_tokens;
                 progress.update(done + st.sentences, -1, tokens + window_tokens);
               },
               log))
        out << s << "\n";
      tokens += window_tokens;
      out.flush();
      TANDEM_CHECK(out) << vm["output"].as<std::string>() << ": write failed: " << std::strerror(errno);
      done += static_cast<long long>(documents.size());
    }
  });
  progress.finish(done, tokens);
  return 0;
}

}  // namespace tandem::cli
