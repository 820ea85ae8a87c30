// cli/commands.h: one entry point per subcommand, each in its own file.
// argv[0] is the subcommand name. Each returns the process exit code and may
// throw tandem::Error, which main() reports as one line.
#pragma once

namespace tandem::cli {

int run_info(int argc, char** argv);
int run_init(int argc, char** argv);
int run_translate(int argc, char** argv);
int run_vocab(int argc, char** argv);
int run_score(int argc, char** argv);
int run_score_pairs(int argc, char** argv);
int run_summarize(int argc, char** argv);
int run_train(int argc, char** argv);
int run_average(int argc, char** argv);
int run_export(int argc, char** argv);
int run_tune_decode(int argc, char** argv);
int run_serve(int argc, char** argv);  // serve/serve_command.cc

}  // namespace tandem::cli
