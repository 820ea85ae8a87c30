#include "cli/decode_options.h"

#include "cli/loaded_model.h"
#include "core/error.h"

namespace tandem::cli {

void add_decode_options(po::options_description& o) {
  o.add_options()
      ("beam", po::value<int>(), "beam size; 1 = greedy (default: the model's recipe, else 4)")
      ("nbest", po::value<int>(), "print the K best hypotheses as `index ||| text ||| score`")
      ("length-penalty", po::value<float>(),
       "alpha of the GNMT length normalization score / ((5+len)/6)^alpha; 0 = off (default 0.6)")
      ("max-len-a", po::value<float>(), "output limit a in a*source_tokens+b (default 1.5)")
      ("max-len-b", po::value<int>(), "output limit b in a*source_tokens+b (default 10)")
      ("min-len", po::value<int>(), "minimum output tokens before EOS (default 1: never empty)")
      ("no-repeat-ngram", po::value<int>(), "forbid repeating any n-gram of this size (default 0: off)")
      ("sampling", po::value<std::string>(), "sample instead of searching: topk:K or topp:P (needs --beam 1)")
      ("temperature", po::value<float>()->default_value(1.f), "sampling temperature")
      ("seed", po::value<uint64_t>()->default_value(1), "sampling seed (results are reproducible)")
      ("compute-type", po::value<std::string>(),
       "number format of the weight products: float32, int8 (8-bit weights, one scale per\n"
       "output channel; activations quantized per row) or bfloat16 (default: the model\n"
       "file's, float32 unless it was exported as int8)")
      ("batch-tokens", po::value<int>(), "padded source tokens per batch (default: the recipe's, else 4096)")
      ("batch-size", po::value<int>(), "at most this many sentences per batch, within --batch-tokens "
       "(default 0: no limit; 1 = one sentence at a time, for latency)")
      ("progress", po::bool_switch(), "report progress on stderr even when it is not a terminal");
}

po::options_description decode_command_options(const po::options_description& io) {
  po::options_description decoding("decoding");
  add_decode_options(decoding);
  po::options_description common("general");
  add_common_options(common);
  po::options_description all;
  all.add(io).add(decoding).add(common);
  return all;
}

void apply_decode_options(const po::variables_map& vm, DecodeConfig& c) {
  SearchOptions& s = c.search;
  if (vm.count("beam")) s.beam = vm["beam"].as<int>();
  if (vm.count("nbest")) s.nbest = vm["nbest"].as<int>();
  if (vm.count("length-penalty")) s.length_penalty = vm["length-penalty"].as<float>();
  if (vm.count("max-len-a")) s.max_len_a = vm["max-len-a"].as<float>();
  if (vm.count("max-len-b")) s.max_len_b = vm["max-len-b"].as<int>();
  if (vm.count("min-len")) s.min_len = vm["min-len"].as<int>();
  if (vm.count("no-repeat-ngram")) s.no_repeat_ngram = vm["no-repeat-ngram"].as<int>();
  if (vm.count("batch-tokens")) c.batch_tokens = vm["batch-tokens"].as<int>();
  if (vm.count("batch-size")) c.batch_sentences = vm["batch-size"].as<int>();
  s.temperature = vm["temperature"].as<float>();
  s.seed = vm["seed"].as<uint64_t>();
  if (vm.count("sampling")) {
    const std::string spec = vm["sampling"].as<std::string>();
    const size_t colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : spec.substr(colon + 1);
    try {
      if (kind == "topk") {
        s.sampling = Sampling::TopK;
        s.top_k = std::stoi(value);
        TANDEM_CHECK(s.top_k >= 1) << "--sampling topk:K needs K >= 1, got " << value;
      } else if (kind == "topp") {
        s.sampling = Sampling::TopP;
        s.top_p = std::stof(value);
        TANDEM_CHECK(s.top_p > 0 && s.top_p <= 1) << "--sampling topp:P needs 0 < P <= 1, got " << value;
      } else {
        TANDEM_FAIL() << "--sampling: expected topk:K or topp:P, got \"" << spec << "\"";
      }
    } catch (const std::logic_error&) {
      TANDEM_FAIL() << "--sampling: expected topk:K or topp:P, got \"" << spec << "\"";
    }
    if (!vm.count("beam")) s.beam = 1;
  }
  check_decode_config(c, "--");
}

void apply_compute_type(const po::variables_map& vm, LoadedModel& model) {
  prepare_compute_type(model, vm.count("compute-type") ? vm["compute-type"].as<std::string>() : "", "--compute-type");
}

}  // namespace tandem::cli
