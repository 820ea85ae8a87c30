// cli/tune_decode.cc: `tandem tune-decode -m MODEL.h5 --valid SRC REF -o OUT.h5
// [--beams 1,4,6] [--length-penalties 0.6,0.8,1.0,1.2] [--metric bleu|rouge]`
// decodes the validation set with every combination (through the trainer's
// Evaluator functions), prints the BLEU/chrF(/ROUGE) table, and writes OUT.h5:
// the same model whose stored decode settings (what translate uses by
// default) are the best combination on the metric, with the sweep recorded in
// /config under `tune_decode:`. Only validation data is ever decoded.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "cli/commands.h"
#include "cli/loaded_model.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/paths.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "train/evaluator.h"

namespace tandem::cli {
namespace {

struct Trial {
  int beam = 4;
  float length_penalty = 0.6f;
  double bleu = 0, chrf = 0;
  double rouge = -1;  // --metric rouge: the mean F1 of ROUGE-1, -2 and -L
};

// "1,4,6" -> {1, 4, 6}; every value checked against [lo, hi].
template <typename T>
std::vector<T> parse_list(const std::string& text, const char* option, T lo, T hi) {
  std::vector<T> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::istringstream one(item);
    T v{};
    TANDEM_CHECK((one >> v) && one.eof()) << option << ": \"" << item << "\" is not a number (in \"" << text << "\")";
    TANDEM_CHECK(v >= lo && v <= hi) << option << ": " << v << " is outside [" << lo << ", " << hi << "]";
    values.push_back(v);
  }
  TANDEM_CHECK(!values.empty()) << option << ": no values";
  return values;
}

// The /config document with the chosen decode settings and the sweep.
std::string with_tuned_decode(const std::string& config_yaml, const Trial& best, const std::vector<Trial>& trials,
                              const std::string& source, size_t lines, const std::string& metric) {
  YAML::Node root = config_yaml.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(config_yaml);
  root["decode"]["beam"] = best.beam;
  root["decode"]["length_penalty"] = best.length_penalty;
  YAML::Node t;
  t["valid"] = std::filesystem::path(source).filename().string();
  t["lines"] = lines;
  t["metric"] = metric;
  for (const auto& trial : trials) {
    YAML::Node row;
    row["beam"] = trial.beam;
    row["length_penalty"] = trial.length_penalty;
    row["bleu"] = trial.bleu;
    row["chrf"] = trial.chrf;
    if (trial.rouge >= 0) row["rouge"] = trial.rouge;
    t["trials"].push_back(row);
  }
  root["tune_decode"] = t;
  YAML::Emitter out;
  out.SetDoublePrecision(4);
  out.SetFloatPrecision(4);
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

int run_tune_decode(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()
      ("model,m", po::value<std::string>()->required(), "model file to tune")
      ("valid", po::value<std::vector<std::string>>()->multitoken()->required(),
       "VALID.src VALID.ref: the validation set (never a test set)")
      ("output,o", po::value<std::string>()->required(), "model file to write, with the chosen settings")
      ("beams", po::value<std::string>()->default_value("1,4,6"), "beam sizes to try, comma-separated")
      ("length-penalties", po::value<std::string>()->default_value("0.6,0.8,1.0,1.2"),
       "length penalties (alpha) to try, comma-separated")
      ("metric", po::value<std::string>()->default_value("bleu"),
       "bleu, or rouge (the mean F1 of ROUGE-1, -2 and -L) for summaries: then the\n"
       "validation documents are summarized as `tandem summarize` does");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem tune-decode -m MODEL.h5 --valid SRC REF -o OUT.h5",
                          "Sweep beam size and length penalty on a validation set, print BLEU and\n"
                          "chrF (and ROUGE) of each, and write the model with the best (on --metric)\n"
                          "as its stored decode settings, which translate and summarize use by default.",
                          options, {}, vm))
    return 0;
  apply_common_options(vm);
  const std::string input = vm["model"].as<std::string>(), output = vm["output"].as<std::string>();
  const auto valid = vm["valid"].as<std::vector<std::string>>();
  TANDEM_CHECK(valid.size() == 2) << "--valid takes two files, VALID.src VALID.ref; got " << valid.size();
  const auto beams = parse_list<int>(vm["beams"].as<std::string>(), "--beams", 1, 64);
  const auto penalties = parse_list<float>(vm["length-penalties"].as<std::string>(), "--length-penalties", 0.f, 10.f);
  // Each combination decodes the whole validation set.
  constexpr size_t kMaxTrials = 64;
  TANDEM_CHECK(beams.size() * penalties.size() <= kMaxTrials)
      << "--beams x --length-penalties: " << beams.size() * penalties.size() << " combinations, at most "
      << kMaxTrials;
  check_not_same_file(input, output, "-o");
  const auto lines = read_lines(valid[0]);
  const auto refs = read_lines(valid[1]);
  TANDEM_CHECK(lines.size() == refs.size())
      << "--valid: " << valid[0] << " has " << lines.size() << " lines but " << valid[1] << " has " << refs.size();
  TANDEM_CHECK(!lines.empty()) << "--valid: " << valid[0] << " is empty";

  const std::string metric = vm["metric"].as<std::string>();
  TANDEM_CHECK(metric == "bleu" || metric == "rouge") << "--metric: expected bleu or rouge, got \"" << metric << "\"";
  const bool summarize = metric == "rouge";

  LoadedModel m = load_for_decoding(input);
  std::vector<Trial> trials;
  std::printf(summarize ? "| beam | length penalty | BLEU | chrF | ROUGE |\n|---|---|---|---|---|\n"
                        : "| beam | length penalty | BLEU | chrF |\n|---|---|---|---|\n");
  for (int beam : beams)
    for (float alpha : penalties) {
      DecodeConfig d = m.decode;
      d.search.beam = beam;
      d.search.nbest = 1;
      d.search.length_penalty = alpha;
      const auto hyps = decode_best(*m.model, *m.source, *m.target, d, lines, summarize);
      Trial t{beam, alpha, corpus_bleu(hyps, refs).score, corpus_chrf(hyps, refs, 0).score};
      if (summarize) t.rouge = mean_rouge(hyps, refs);
      std::printf("| %d | %.2f | %.2f | %.2f |", beam, alpha, t.bleu, t.chrf);
      if (summarize) std::printf(" %.2f |", t.rouge);
      std::printf("\n");
      std::fflush(stdout);
      trials.push_back(t);
    }
  // Best on the metric; ties go to the smaller beam (faster), then the earlier penalty.
  auto score = [&](const Trial& t) { return summarize ? t.rouge : t.bleu; };
  Trial best = trials.front();
  for (const auto& t : trials)
    if (score(t) > score(best) || (score(t) == score(best) && t.beam < best.beam)) best = t;
  std::printf("chosen: beam %d, length penalty %.2f (validation BLEU %.2f, chrF %.2f", best.beam,
              best.length_penalty, best.bleu, best.chrf);
  if (summarize) std::printf(", ROUGE %.2f", best.rouge);
  std::printf(")\n");
  m.meta.config_yaml = with_tuned_decode(m.meta.config_yaml, best, trials, valid[0], lines.size(), metric);
  save_model(output, *m.model, m.meta);
  std::printf("wrote %s\n", output.c_str());
  return 0;
}

}  // namespace tandem::cli
