// Harness: the command-line option parsing and checking of the commands that
// read user files and values (score, score-pairs, info, translate,
// summarize, average, train). The input is one argument per line, the command first. It runs in a
// temporary folder holding a tiny model with a vocabulary (so translate and
// summarize reach decoding), one without, small text files and a recipe with
// stages (train always runs with --dry-run: --set and stage patches are
// parsed, checked and planned, nothing trained); arguments with '/' are
// skipped so no run can touch another folder.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "../model/tiny_model.h"
#include "cli/commands.h"
#include "fuzz_harness.h"
#include "io/model_file.h"

const char* fuzz_harness_name() { return "cli"; }

const std::vector<std::string>& fuzz_dictionary() {
  static const std::vector<std::string> d = {
      "\n-m\nm.h5", "\n-i\nin.txt", "\n-r\nref.txt", "\n-o\nout.txt", "\n--beam\n", "\n--nbest\n",
      "\n--max-len-a\n", "\n--max-len-b\n", "\n--threads\n", "\n--metrics\n", "ter", "bleu,chrf,rouge",
      "\n--sampling\ntopk:", "topp:", "\n--batch-tokens\n", "\n--length-penalty\n", "\n--min-len\n",
      "\n--no-repeat-ngram\n", "\n--format\njson", "\n--help", "\n--alignment", "\n--compute-type\n",
      "\n-m\nnovocab.h5", "train\nrecipe.yaml", "\n--set\n", "train.max_len=", "train.batch_tokens=",
      "model.d_model=", "model.max_positions=", "train.precision=bf16", "stages=[]", "vocab.size=",
      "model.positions=rope", "train.accumulate=", "\n--stage\n", "\n--overwrite", "\n--resume",
      "score-pairs\n-m\nm.h5", "\n-s\nin.txt", "\n-t\nhyp.txt", "\n--per-token", "\n--normalize",
      "\n--window\n", "\n-r\nhyp.txt", "vocab.sample_sentences="};
  return d;
}

namespace {

using Run = int (*)(int, char**);

Run command_named(const std::string& name) {
  if (name == "score") return tandem::cli::run_score;
  if (name == "score-pairs") return tandem::cli::run_score_pairs;
  if (name == "info") return tandem::cli::run_info;
  if (name == "translate") return tandem::cli::run_translate;
  if (name == "summarize") return tandem::cli::run_summarize;
  if (name == "average") return tandem::cli::run_average;
  if (name == "train") return tandem::cli::run_train;
  if (name == "vocab") return tandem::cli::run_vocab;
  if (name == "init") return tandem::cli::run_init;
  return nullptr;
}

// Runs a command as main would: its errors are exceptions, caught here.
void run_command(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  try {
    command_named(args[0])(static_cast<int>(args.size()), argv.data());
  } catch (const std::exception&) {
  }
}

void enter_sandbox() {
  static const bool ready = [] {
    const std::string dir = fuzz_temp_path("-cli");
    std::system(("mkdir -p " + dir).c_str());
    if (chdir(dir.c_str()) != 0) std::abort();
    // The commands' normal output (scores, translations, help) is not what is
    // being tested and would flood the log: standard output goes nowhere.
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) dup2(null_fd, 1), close(null_fd);
    tandem::Seq2Seq model(tandem::test::tiny_config(tandem::NormPlacement::Pre, tandem::TieEmbeddings::None,
                                                    tandem::Activation::Relu));
    model.init(1);
    tandem::save_model("novocab.h5", model, {});
    std::string text;
    for (int i = 0; i < 200; ++i) text += "the dog " + std::to_string(i % 13) + " runs near house " + std::to_string(i % 7) + "\n";
    write_file("text.txt", text);
    write_file("tiny.yaml", "d_model: 16\nheads: 2\nffn_dim: 32\nencoder_layers: 1\ndecoder_layers: 1\n"
                            "max_positions: 24\ntie_embeddings: all\n");
    run_command({"vocab", "-i", "text.txt", "--size", "40", "-o", "spm.model"});
    run_command({"init", "-c", "tiny.yaml", "--vocab", "spm.model", "-o", "m.h5"});
    write_file("recipe.yaml",
               "name: fuzz\ndata_root: .\ndata:\n  train: {src: text.txt, tgt: text.txt}\n"
               "  valid: {src: in.txt, tgt: in.txt}\nvocab: {size: 40}\nmodel: tiny.yaml\n"
               "train: {max_updates: 2, batch_tokens: 256}\noutput: run\n"
               "stages:\n  - name: first\n  - name: second\n    set: {train.max_updates: 3}\n");
    write_file("in.txt", "a b c\n\nd e\n");
    write_file("ref.txt", "a b c\nx\nd e f\n");
    write_file("hyp.txt", "c b a\ny\nd\n");
    return true;
  }();
  (void)ready;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  enter_sandbox();
  std::vector<std::string> args;
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '/') return 0;  // never a path outside the sandbox
    if (c == '\n') args.push_back(current), current.clear();
    else current += c;
  }
  args.push_back(current);
  // vocab and init write files; they only build the sandbox.
  if (args[0] == "vocab" || args[0] == "init" || !command_named(args[0])) return 0;
  if (args[0] == "train") args.push_back("--dry-run");  // plan, never train
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  command_named(args[0])(static_cast<int>(args.size()), argv.data());
  return 0;
}
