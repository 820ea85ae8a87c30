// cli/options.h: helpers shared by the subcommands (parsing, --help, --threads).
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace tandem::cli {

namespace po = boost::program_options;

// Parses argv into vm with `visible` options plus positional ones. Prints help
// (usage line, description, options) and returns false when --help is given.
// Unknown options and bad values throw tandem::Error naming the command.
bool parse_command_line(int argc, char** argv, const std::string& usage,
                        const std::string& description, po::options_description& visible,
                        const po::positional_options_description& positional,
                        po::variables_map& vm);

// Adds --help and --threads.
void add_common_options(po::options_description& options);
// Applies --threads.
void apply_common_options(const po::variables_map& vm);

}  // namespace tandem::cli
