// cli/main.cc: `tandem <command> [options]`. Dispatches to cli/<command>.cc,
// and is the one place that catches errors: one line on stderr, exit 1.
#include <cstring>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "core/allocator.h"
#include "core/error.h"
#include "core/threads.h"
#include "train/distributed.h"
#include "version.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

const Command kCommands[] = {
    {"train", tandem::cli::run_train, "train a model from a YAML recipe"},
    {"translate", tandem::cli::run_translate, "translate text, one sentence per line"},
    {"summarize", tandem::cli::run_summarize, "summarize documents, one per line (any length)"},
    {"score", tandem::cli::run_score, "BLEU, chrF, TER (sacreBLEU-compatible) and ROUGE of a file"},
    {"score-pairs", tandem::cli::run_score_pairs, "the model's log-probability of given translations"},
    {"vocab", tandem::cli::run_vocab, "train a SentencePiece vocabulary on text"},
    {"average", tandem::cli::run_average, "average the parameters of checkpoints or model files"},
    {"export", tandem::cli::run_export, "write a model for decoding: no training state, optionally int8"},
    {"tune-decode", tandem::cli::run_tune_decode, "pick beam and length penalty on a validation set"},
    {"serve", tandem::cli::run_serve, "serve models over HTTP (tandem's API and LibreTranslate's)"},
    {"info", tandem::cli::run_info, "show what a model file holds: config, vocab, parameters"},
    {"init", tandem::cli::run_init, "create a randomly initialized model file from a config"},
};

void print_usage(std::ostream& out) {
  out << "tandem " << tandem::kTandemVersion
      << ": sequence-to-sequence transformers (train, translate, summarize)\n\n"
      << "usage: tandem <command> [options]   (tandem <command> --help for details)\n\n"
      << "commands:\n";
  for (const auto& c : kCommands) out << "  " << c.name << std::string(12 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\nModels are HDF5 files (docs/model_file.md); recipes are YAML (recipes/).\n";
}

}  // namespace

// One line naming the command (and the rank, in an MPI job); an error on one
// rank ends the whole job rather than leaving the others in a collective.
int fail(const char* command, const char* kind, const char* what) {
  std::cerr << "tandem " << command << ": " << kind;
  if (tandem::dist::active()) std::cerr << " (rank " << tandem::dist::rank() << ")";
  std::cerr << ": " << what << "\n";
  tandem::dist::abort_job(1);
  return 1;
}

int main(int argc, char** argv) {
  tandem::reexec_with_passive_omp_wait(argv);
  tandem::keep_freed_memory_for_reuse();
  tandem::dist::init_if_launched(&argc, &argv);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    print_usage(std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "tandem " << tandem::kTandemVersion << " (" << tandem::kTandemCommit << ")\n"
              << "data-parallel training: "
              << (tandem::dist::built_with_mpi() ? "mpi (mpirun -np N tandem train ...)" : "none (built without MPI)")
              << "\n";
    return 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    try {
      const int code = c.run(argc - 1, argv + 1);
      tandem::dist::finalize();
      return code;
    } catch (const tandem::Error& e) {
      return fail(c.name, "error", e.what());
    } catch (const std::exception& e) {
      return fail(c.name, "internal error", e.what());
    }
  }
  std::cerr << "tandem: unknown command '" << argv[1] << "' (see tandem --help)\n";
  return 2;
}
