// cli/export.cc: `tandem export -m MODEL.h5 -o OUT.h5 [--quantize int8]
// [--check VALID.src VALID.ref]` writes a model file for decoding: no
// optimizer state, and with --quantize int8 the projection and output weights
// as int8 with one scale per output channel (docs/model_file.md). --check
// translates a validation file with the original and the exported model and
// refuses to write when BLEU drops by more than --max-bleu-drop.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "cli/commands.h"
#include "cli/loaded_model.h"
#include "cli/options.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/paths.h"
#include "core/memory_limit.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "train/evaluator.h"

namespace tandem::cli {
namespace {

struct CheckResult {
  double bleu = 0, chrf = 0;
};

struct Check {
  std::string source, reference;
  size_t lines = 0;
  CheckResult original, exported;
  double identical_share = 0;  // of output lines
};

CheckResult score(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  return {corpus_bleu(hyps, refs).score, corpus_chrf(hyps, refs, 0).score};
}

Check run_check(const LoadedModel& original, const Seq2Seq& exported, const std::string& source,
                const std::string& reference) {
  Check c;
  c.source = source;
  c.reference = reference;
  const auto lines = read_lines(source);
  const auto refs = read_lines(reference);
  TANDEM_CHECK(lines.size() == refs.size())
      << "--check: " << source << " has " << lines.size() << " lines but " << reference << " has "
      << refs.size();
  TANDEM_CHECK(!lines.empty()) << "--check: " << source << " is empty";
  c.lines = lines.size();
  std::cout << "checking on " << source << " (" << lines.size() << " lines)..." << std::endl;
  const auto before = decode_best(*original.model, *original.source, *original.target, original.decode, lines, false);
  const auto after = decode_best(exported, *original.source, *original.target, original.decode, lines, false);
  c.original = score(before, refs);
  c.exported = score(after, refs);
  size_t same = 0;
  for (size_t i = 0; i < before.size(); ++i) same += before[i] == after[i];
  c.identical_share = static_cast<double>(same) / static_cast<double>(before.size());
  return c;
}

// The /config document with an `export:` mapping saying what was done.
std::string with_provenance(const std::string& config_yaml, const std::string& source_path,
                            ComputeType type, const Check* check) {
  YAML::Node root = config_yaml.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(config_yaml);
  YAML::Node e;
  e["from"] = std::filesystem::path(source_path).filename().string();
  e["compute_type"] = compute_type_name(type);
  if (check) {
    e["check"]["source"] = std::filesystem::path(check->source).filename().string();
    e["check"]["lines"] = check->lines;
    e["check"]["bleu_original"] = check->original.bleu;
    e["check"]["bleu_exported"] = check->exported.bleu;
    e["check"]["chrf_original"] = check->original.chrf;
    e["check"]["chrf_exported"] = check->exported.chrf;
    e["check"]["identical_lines"] = check->identical_share;
  }
  root["export"] = e;
  YAML::Emitter out;
  out.SetDoublePrecision(4);
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

int run_export(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()
      ("model,m", po::value<std::string>()->required(), "model file or checkpoint to export")
      ("output,o", po::value<std::string>()->required(), "model file to write")
      ("quantize", po::value<std::string>()->default_value("none"),
       "none (float32, the file only loses its training state) or int8 (projection and "
       "output weights as int8 with a scale per output channel: ~4x smaller, faster)")
      ("check", po::value<std::vector<std::string>>()->multitoken(),
       "VALID.src VALID.ref: translate with the original and the exported model, print "
       "BLEU/chrF of both and the share of identical lines; write nothing if BLEU drops "
       "by more than --max-bleu-drop")
      ("max-bleu-drop", po::value<double>()->default_value(0.5), "BLEU points --check may lose");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv,
                          "tandem export -m MODEL.h5 -o OUT.h5 [--quantize int8] [--check SRC REF]",
                          "Write a model file for decoding: no optimizer state and, with --quantize\n"
                          "int8, 8-bit weights. --check measures what quantization costs in BLEU\n"
                          "on a validation set before anything is written.",
                          options, {}, vm))
    return 0;
  apply_common_options(vm);
  const std::string input = vm["model"].as<std::string>(), output = vm["output"].as<std::string>();
  const std::string quantize = vm["quantize"].as<std::string>();
  TANDEM_CHECK(quantize == "none" || quantize == "int8")
      << "--quantize: expected none or int8, got \"" << quantize
      << "\" (bfloat16 needs no file of its own: translate --compute-type bfloat16)";
  const ComputeType type = quantize == "int8" ? ComputeType::Int8 : ComputeType::Float32;
  const double max_drop = vm["max-bleu-drop"].as<double>();
  TANDEM_CHECK(max_drop >= 0) << "--max-bleu-drop must be >= 0, got " << max_drop;
  std::vector<std::string> check_files;
  if (vm.count("check")) {
    check_files = vm["check"].as<std::vector<std::string>>();
    TANDEM_CHECK(check_files.size() == 2)
        << "--check takes two files, VALID.src VALID.ref; got " << check_files.size();
  }
  check_not_same_file(input, output, "-o");

  LoadedModel original = load_for_decoding(input);
  // A second copy becomes the exported model; the first stays as it was for --check.
  ModelFileMeta meta;
  auto exported = load_model(input, &meta);
  if (type != ComputeType::Float32) {
    const std::string why_not = compute_type_unsupported_reason(type);
    TANDEM_CHECK(why_not.empty()) << "--quantize " << quantize << ": " << why_not;
  }
  TANDEM_CHECK(!(meta.compute_type == ComputeType::Int8 && type == ComputeType::Float32))
      << input << " is already int8: its float32 weights are gone (export the original file)";
  exported->set_compute_type(type);

  Check check;
  const bool checked = !check_files.empty();
  if (checked) {
    check = run_check(original, *exported, check_files[0], check_files[1]);
    std::printf("check on %s (%zu lines), the model's decode settings:\n", check.source.c_str(), check.lines);
    std::printf("  %-10s BLEU %6.2f  chrF %6.2f\n", "original", check.original.bleu, check.original.chrf);
    std::printf("  %-10s BLEU %6.2f  chrF %6.2f\n", "exported", check.exported.bleu, check.exported.chrf);
    std::printf("  identical output lines: %.1f%%\n", 100 * check.identical_share);
    const double drop = check.original.bleu - check.exported.bleu;
    TANDEM_CHECK(drop <= max_drop)
        << "export check failed: BLEU dropped " << drop << " points (" << check.original.bleu
        << " -> " << check.exported.bleu << "), more than --max-bleu-drop " << max_drop
        << "; nothing written";
  }
  meta.has_training_state = false;
  meta.config_yaml = with_provenance(meta.config_yaml, input, type, checked ? &check : nullptr);
  save_model(output, *exported, meta);
  const auto in_size = static_cast<double>(std::filesystem::file_size(input));
  const auto out_size = static_cast<double>(std::filesystem::file_size(output));
  std::printf("wrote %s: %s, %s (input %s, %.2fx smaller)\n", output.c_str(),
              compute_type_name(type).c_str(), format_bytes(out_size).c_str(),
              format_bytes(in_size).c_str(), in_size / out_size);
  return 0;
}

}  // namespace tandem::cli
