// cli/score.cc: `tandem score -r REF [-i HYP] --metrics bleu,chrf,ter` prints
// corpus scores with sacreBLEU-style signatures (text or JSON), or per-line
// BLEU with --sentence.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/corpus_scores.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "metrics/ter.h"

namespace tandem::cli {
namespace {

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int run_score(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("reference,r", po::value<std::vector<std::string>>()->required(),
                                                 "reference file, one segment per line; repeat for several references "
                                                 "(-r A -r B: an empty line = no reference for that line)")(
      "input,i", po::value<std::string>()->default_value("-"), "hypothesis file (- = stdin)")(
      "metrics,m", po::value<std::string>()->default_value("bleu,chrf"),
      "comma-separated: bleu, chrf, chrf++, ter, rouge (ROUGE-1/2/L F1)")(
      "lowercase", po::bool_switch(), "case-insensitive BLEU (sacreBLEU -lc)")(
      "sentence", po::bool_switch(), "print sentence-level BLEU per line (effective order)")(
      "format,f", po::value<std::string>()->default_value("text"), "text or json");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem score -r REF [-r REF2 ...] [-i HYP] [--metrics bleu,chrf,ter]",
                          "Score hypotheses against references. BLEU, chrF and TER reproduce\n"
                          "sacreBLEU 2.x defaults (13a tokenization, exp smoothing; chrF2;\n"
                          "case-insensitive tercom TER); ROUGE uses rouge_score's tokenization.\n"
                          "Several references follow sacreBLEU's rules (BLEU: clipped by the\n"
                          "largest count in any reference, closest reference length; chrF: the\n"
                          "best reference per line; TER: fewest edits over the mean reference\n"
                          "length); ROUGE is the mean of the per-reference F1, then each\n"
                          "reference alone.",
                          options, {}, vm))
    return 0;
  apply_common_options(vm);
  const auto ref_paths = vm["reference"].as<std::vector<std::string>>();
  const std::string hyp_path = vm["input"].as<std::string>();
  const auto hyps = read_lines(hyp_path);
  References refs;
  for (const auto& ref_path : ref_paths) {
    refs.streams.push_back(read_lines(ref_path));
    TANDEM_CHECK(refs.streams.back().size() == hyps.size())
        << "line counts differ: " << (hyp_path == "-" ? "<stdin>" : hyp_path) << " has "
        << hyps.size() << " lines, " << ref_path << " has " << refs.streams.back().size();
  }
  const std::string format = vm["format"].as<std::string>();
  TANDEM_CHECK(format == "text" || format == "json") << "--format: expected text or json, got \"" << format << "\"";

  if (vm["sentence"].as<bool>()) {
    for (size_t i = 0; i < hyps.size(); ++i) {
      const MetricScore s = sentence_bleu(hyps[i], refs.of_line(i));
      if (format == "json")
        std::printf("{\"line\": %zu, \"name\": \"BLEU\", \"score\": %.4f, \"signature\": \"%s\"}\n", i + 1, s.score, s.signature.c_str());
      else
        std::printf("%.4f\n", s.score);
    }
    return 0;
  }

  std::vector<MetricScore> scores;
  try {
    scores = corpus_scores(hyps, refs, split_list(vm["metrics"].as<std::string>()), vm["lowercase"].as<bool>());
  } catch (const Error& e) {
    TANDEM_FAIL() << "--metrics: " << e.what();
  }
  if (format == "json") {
    const bool list = scores.size() > 1;
    if (list) std::printf("[\n");
    for (size_t i = 0; i < scores.size(); ++i) {
      const auto& s = scores[i];
      std::printf("%s{\"name\": \"%s\", \"score\": %.4f, \"signature\": \"%s\"%s%s%s}%s\n",
                  list ? "  " : "", json_escape(s.name).c_str(), s.score, json_escape(s.signature).c_str(),
                  s.details.empty() ? "" : ", \"verbose_score\": \"", json_escape(s.details).c_str(),
                  s.details.empty() ? "" : "\"", list && i + 1 < scores.size() ? "," : "");
    }
    if (list) std::printf("]\n");
  } else {
    for (const auto& s : scores) std::printf("%s\n", format_metric_line(s).c_str());
  }
  return 0;
}

}  // namespace tandem::cli
