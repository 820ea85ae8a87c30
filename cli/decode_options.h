// cli/decode_options.h: the decoding options translate and summarize share.
// Each falls back to the model file's `decode:` settings, then to the built-in
// default, so a trained model decodes as its recipe said unless told otherwise.
#pragma once

#include "cli/options.h"
#include "model/seq2seq.h"
#include "search/decode_config.h"

namespace tandem::cli {

struct LoadedModel;

void add_decode_options(po::options_description& options);
// The option groups of a decoding command: `io` (its own input/output options,
// with --model), then the decoding options, then --help/--threads.
po::options_description decode_command_options(const po::options_description& io);
// Overrides `config` (the model's settings) with what the command line gave.
void apply_decode_options(const po::variables_map& vm, DecodeConfig& config);
// --compute-type (default: what the model file stores), through prepare_compute_type.
void apply_compute_type(const po::variables_map& vm, LoadedModel& model);

}  // namespace tandem::cli
