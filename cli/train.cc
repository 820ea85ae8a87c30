// cli/train.cc: `tandem train RECIPE.yaml [--set key=value] [--resume | --overwrite] [--dry-run]`.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "train/stages.h"

namespace tandem::cli {
namespace {

// The first Ctrl-C (SIGINT) or SIGTERM asks the trainer to stop after the
// update in progress, writing the resume checkpoint; a second one ends the
// process at once (exit 128 + signal).
std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int sig) {
  if (stop_requested.exchange(true)) std::_Exit(128 + sig);
}

// The signals are blocked in this thread, so in every thread started after
// it (the OpenMP and oneDNN workers), and taken by one thread that waits for
// them. A handler run on a computing thread's stack (the kernel puts its
// frame there) corrupted the heap in about 1 of 16 interrupted runs, inside
// a oneDNN kernel. Threads started before this (Open MPI's helpers) keep
// the handler, which only sets the flag.
void watch_stop_signals() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) == 0) request_stop(sig);
    }
  }).detach();
}

}  // namespace

int run_train(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("recipe", po::value<std::string>()->required(), "training recipe (YAML)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a recipe key, e.g. --set train.optimizer.lr=3e-4 (repeatable)")(
      "data-root", po::value<std::string>(), "directory the recipe's data paths are relative to "
                                             "(default: $TANDEM_DATA, else the recipe's data_root)")(
      "resume", po::bool_switch(), "continue the run from OUTPUT/checkpoints/last.h5, exactly")(
      "overwrite", po::bool_switch(), "replace the run already in OUTPUT (its logs, checkpoints, vocabulary\n"
                                      "and model); without it or --resume such a folder is refused")(
      "dry-run", po::bool_switch(), "check recipe, data and model; print the plan; train nothing")(
      "profile", po::bool_switch(), "time the updates by operation class (GEMM forward/backward with\n"
                                    "GFLOP/s, attention, norms, loss, optimizer, data) and print the\n"
                                    "table at the end");
  add_common_options(options);
  po::positional_options_description positional;
  positional.add("recipe", 1);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem train RECIPE.yaml [--set key=value ...] [options]",
                          "Train a model from a recipe: vocabulary, training with validation and\n"
                          "checkpoints, checkpoint averaging, OUTPUT/model.h5, test-set scores.\n"
                          "A recipe with stages: (e.g. pretrain, then finetune) runs them in order,\n"
                          "each in OUTPUT/NAME, each starting from the previous stage's model.\n"
                          "Logs go to stderr and OUTPUT/metrics.tsv, OUTPUT/valid.tsv.",
                          options, positional, vm))
    return 0;
  apply_common_options(vm);
  RecipeOverrides overrides;
  if (vm.count("set")) overrides.set = vm["set"].as<std::vector<std::string>>();
  if (vm.count("data-root")) overrides.data_root = vm["data-root"].as<std::string>();
  TrainOptions o;
  o.resume = vm["resume"].as<bool>();
  o.overwrite = vm["overwrite"].as<bool>();
  TANDEM_CHECK(!(o.resume && o.overwrite)) << "--resume and --overwrite: choose one (continue the run, or replace it)";
  o.dry_run = vm["dry-run"].as<bool>();
  o.profile = vm["profile"].as<bool>();
  if (!o.dry_run) {
    watch_stop_signals();
    o.on_update = [](const TrainProgress&) { return !stop_requested.load(); };
  }
  try {
    train_recipe_file(vm["recipe"].as<std::string>(), overrides, o);
  } catch (const TrainingInterrupted& e) {
    std::cerr << "tandem train: " << e.what() << "\n";
    return 130;
  }
  return 0;
}

}  // namespace tandem::cli
