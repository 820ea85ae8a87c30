// cli/decode_options.h: the decoding options translate and summarize share.
// Each falls back to the model file's `decode:` settings, then to the built-in
// default, so a trained model decodes as its recipe said unless told otherwise.
#pragma once

#include "cli/options.h"
#include "model/seq2seq.h"
#include "search/decode_config.h"

namespace tandem::cli {

void add_decode_options(po::options_description& options);
// The option groups of a decoding command: `io` (its own input/output options,
// with --model), then the decoding options, then --help/--threads.
po::options_description decode_command_options(const po::options_description& io);
// Overrides `config` (the model's settings) with what the command line gave.
void apply_decode_options(const po::variables_map& vm, DecodeConfig& config);
// Prepares the model's weights for --compute-type (default `file_type`, what
// the model file stores); an error naming the CPU feature when it lacks one.
void apply_compute_type(const po::variables_map& vm, Seq2Seq& model, ComputeType file_type);

}  // namespace tandem::cli
