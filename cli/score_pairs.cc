// cli/score_pairs.cc: `tandem score-pairs -m MODEL -s SRC -t TGT` prints the
// model's log-probability of each given translation, one line per pair,
// streamed a window of pairs at a time (bounded memory on any input length).
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "cli/decode_options.h"
#include "cli/loaded_model.h"
#include "cli/options.h"
#include "cli/output_file.h"
#include "cli/progress.h"
#include "core/error.h"
#include "io/line_reader.h"
#include "search/pair_scorer.h"
#include "search/pair_score_format.h"

namespace tandem::cli {

int run_score_pairs(int argc, char** argv) {
  po::options_description io("input/output");
  io.add_options()("model,m", po::value<std::string>()->required(), "model file (HDF5)")(
      "source,s", po::value<std::string>()->required(), "source sentences, one per line (- = stdin)")(
      "target,t", po::value<std::string>()->required(), "their translations, line by line")(
      "output,o", po::value<std::string>()->default_value("-"), "scores (- = stdout)")(
      "per-token", po::bool_switch(), "append ` ||| ` and each target token's log-probability (EOS last)")(
      "normalize", po::bool_switch(),
      "print the length-normalized score the decoder ranks hypotheses by (log-probability /\n"
      "((5+len)/6)^alpha, len counting EOS): what `translate --nbest` prints")(
      "length-penalty", po::value<float>(), "alpha of --normalize (default: the model's, else 0.6)")(
      "tag", po::value<std::string>(), "put this tag before every source (a multilingual model's target language)")(
      "compute-type", po::value<std::string>(), "float32, int8 or bfloat16 (default: the model file's)")(
      "batch-tokens", po::value<int>(), "padded tokens per batch (default: the recipe's, else 4096)")(
      "window", po::value<int>()->default_value(4096), "pairs read and scored together")(
      "progress", po::bool_switch(), "report progress on stderr even when it is not a terminal");
  po::options_description common("general");
  add_common_options(common);
  po::options_description all;
  all.add(io).add(common);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem score-pairs -m MODEL.h5 -s SRC -t TGT [-o OUT] [options]",
                          "Score given translations: the model's log-probability of each target line\n"
                          "given its source line (natural log, summed over the target's tokens and\n"
                          "EOS), one number per line, in input order. The same numbers beam search\n"
                          "adds up: scoring a translation's best hypothesis gives its own score.",
                          all, {}, vm))
    return 0;
  apply_common_options(vm);
  const std::string source_path = vm["source"].as<std::string>(), target_path = vm["target"].as<std::string>();
  TANDEM_CHECK(!(source_path == "-" && target_path == "-")) << "-s and -t cannot both be stdin";
  check_outputs_spare_inputs({{"-o", vm["output"].as<std::string>()}},
                             {source_path, target_path, vm["model"].as<std::string>()});
  LoadedModel m = load_for_decoding(vm["model"].as<std::string>());
  apply_compute_type(vm, m);
  const std::string tag = vm.count("tag") ? vm["tag"].as<std::string>() : "";
  if (!tag.empty()) check_tag(tag, *m.source);
  const float alpha = vm.count("length-penalty") ? vm["length-penalty"].as<float>() : m.decode.search.length_penalty;
  TANDEM_CHECK(alpha >= 0) << "--length-penalty must be >= 0, got " << alpha;
  const int batch_tokens = vm.count("batch-tokens") ? vm["batch-tokens"].as<int>() : m.decode.batch_tokens;
  TANDEM_CHECK(batch_tokens >= 1) << "--batch-tokens must be positive, got " << batch_tokens;
  const int window = vm["window"].as<int>();
  TANDEM_CHECK(window >= 1 && window <= (1 << 24)) << "--window must be between 1 and 16777216, got " << window;
  const PairScoreFormat format{vm["per-token"].as<bool>(), vm["normalize"].as<bool>()};

  PairScorer scorer(*m.model, *m.source, *m.target, batch_tokens, alpha);
  LineReader sources(source_path), targets(target_path);
  Progress progress(vm["progress"].as<bool>() || Progress::stderr_is_terminal(), "pairs");
  long long done = 0;
  write_output(vm["output"].as<std::string>(), [&](std::ostream& out) {
    std::vector<std::string> src, tgt;
    std::string s, t;
    bool more = true;
    while (more) {
      src.clear(), tgt.clear();
      while (static_cast<int>(src.size()) < window) {
        const bool has_s = sources.next(s), has_t = targets.next(t);
        TANDEM_CHECK(has_s == has_t) << "line counts differ: " << (has_s ? target_path : source_path)
                                     << " ends at line " << done + static_cast<long long>(src.size()) << ", "
                                     << (has_s ? source_path : target_path) << " goes on";
        if (!has_s) { more = false; break; }
        src.push_back(std::move(s)), tgt.push_back(std::move(t));
      }
      for (const PairScore& score : scorer.score(src, tgt, format.per_token, done + 1, tag))
        out << format_pair_score(score, format) << "\n";
      done += static_cast<long long>(src.size());
      out.flush();
      TANDEM_CHECK(out) << vm["output"].as<std::string>() << ": write failed: " << std::strerror(errno);
      progress.update(done, -1, 0);
    }
  });
  progress.finish(done, 0);
  return 0;
}

}  // namespace tandem::cli
