// cli/summarize.cc: `tandem summarize -m MODEL.h5`: one document per line (or
// the whole input as one document), one summary per document.
#include <iostream>

#include "cli/commands.h"
#include "cli/decode_options.h"
#include "cli/loaded_model.h"
#include "cli/output_file.h"
#include "cli/progress.h"
#include "io/text_input.h"
#include "search/summarizer.h"

namespace tandem::cli {

int run_summarize(int argc, char** argv) {
  po::options_description io("input/output");
  io.add_options()("model,m", po::value<std::string>()->required(), "model file (HDF5)")(
      "input,i", po::value<std::string>()->default_value("-"), "documents, one per line (- = stdin)")(
      "output,o", po::value<std::string>()->default_value("-"), "summaries, one per line (- = stdout)")(
      "whole-file", po::bool_switch(), "treat the whole input as one document (lines joined by spaces)");
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
  apply_compute_type(vm, *m.model, m.meta.compute_type);
  auto documents = read_lines(vm["input"].as<std::string>());
  if (vm["whole-file"].as<bool>()) {
    std::string joined;
    for (const auto& l : documents)
      if (!l.empty()) joined += (joined.empty() ? "" : " ") + l;
    documents = {joined};
  }
  Progress progress(vm["progress"].as<bool>() || Progress::stderr_is_terminal(), "documents");
  const Translator translator(*m.model, *m.source, *m.target, m.decode.search, m.decode.batch_tokens);
  long long tokens = 0;
  const auto summaries = Summarizer(translator).summarize(
      documents,
      [&](const TranslateStats& s, int total) {
        tokens = s.output_tokens;
        progress.update(s.sentences, total, s.output_tokens);
      },
      [](const std::string& message) { std::cerr << "tandem summarize: " << message << "\n"; });
  progress.finish(static_cast<long long>(documents.size()), tokens);
  write_output(vm["output"].as<std::string>(), [&](std::ostream& out) {
    for (const auto& s : summaries) out << s << "\n";
  });
  return 0;
}

}  // namespace tandem::cli
