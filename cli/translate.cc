// cli/translate.cc: `tandem translate -m MODEL.h5 [-i IN] [-o OUT]`: one output
// line per input line, in input order, decoded in length-sorted batches.
#include <iostream>

#include "cli/commands.h"
#include "cli/decode_options.h"
#include "cli/loaded_model.h"
#include "cli/output_file.h"
#include "cli/progress.h"
#include "io/text_input.h"
#include "search/translator.h"

namespace tandem::cli {

int run_translate(int argc, char** argv) {
  po::options_description io("input/output");
  io.add_options()("model,m", po::value<std::string>()->required(), "model file (HDF5)")(
      "input,i", po::value<std::string>()->default_value("-"), "source text, one sentence per line (- = stdin)")(
      "output,o", po::value<std::string>()->default_value("-"), "translations (- = stdout)");
  po::options_description all = decode_command_options(io);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem translate -m MODEL.h5 [-i IN] [-o OUT] [options]",
                          "Translate text, one sentence per line. Empty lines stay empty; lines\n"
                          "longer than the model takes are translated in pieces (said on stderr).",
                          all, {}, vm))
    return 0;
  apply_common_options(vm);

  LoadedModel m = load_for_decoding(vm["model"].as<std::string>());
  apply_decode_options(vm, m.decode);
  const auto lines = read_lines(vm["input"].as<std::string>());
  Progress progress(vm["progress"].as<bool>() || Progress::stderr_is_terminal(), "sentences");
  const Translator translator(*m.model, *m.source, *m.target, m.decode.search, m.decode.batch_tokens);
  long long tokens = 0;
  const auto results = translator.translate(
      lines,
      [&](const TranslateStats& s, int total) {
        tokens = s.output_tokens;
        progress.update(s.sentences, total, s.output_tokens);
      },
      [](const std::string& message) { std::cerr << "tandem translate: warning: " << message << "\n"; });
  progress.finish(static_cast<long long>(lines.size()), tokens);

  const bool nbest = vm.count("nbest") > 0;
  write_output(vm["output"].as<std::string>(), [&](std::ostream& out) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (!nbest) {
        out << results[i][0].text << "\n";
        continue;
      }
      for (const auto& h : results[i]) out << i << " ||| " << h.text << " ||| " << h.score << "\n";
    }
  });
  return 0;
}

}  // namespace tandem::cli
