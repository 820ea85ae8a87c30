// Harness: the command-line option parsing and checking of the commands that
// read user files and values (score, info, translate, summarize, average).
// The input is one argument per line, the command first. It runs in a
// temporary folder holding a tiny model without a vocabulary and small text
// files; arguments with '/' are skipped so no run can touch another folder.
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
      "\n--no-repeat-ngram\n", "\n--format\njson", "\n--help", "\n--alignment", "\n--compute-type\n"};
  return d;
}

namespace {

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
    tandem::save_model("m.h5", model, {});
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
  using Run = int (*)(int, char**);
  Run run = nullptr;
  if (args[0] == "score") run = tandem::cli::run_score;
  else if (args[0] == "info") run = tandem::cli::run_info;
  else if (args[0] == "translate") run = tandem::cli::run_translate;
  else if (args[0] == "summarize") run = tandem::cli::run_summarize;
  else if (args[0] == "average") run = tandem::cli::run_average;
  if (!run) return 0;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  run(static_cast<int>(args.size()), argv.data());
  return 0;
}
