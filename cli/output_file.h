// cli/output_file.h: writes a command's text output to a file (atomically:
// nothing under the final name until all is written) or to stdout.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace tandem::cli {

// path "" or "-" means stdout.
void write_output(const std::string& path, const std::function<void(std::ostream&)>& write);

// Refuses (before any work) an output path that names one of the inputs:
// `-i a.txt -o a.txt`, or an output over the model file, would replace what
// the command reads with what it writes. "-" and "" are the standard streams.
void check_outputs_spare_inputs(const std::vector<std::pair<std::string, std::string>>& outputs,
                                const std::vector<std::string>& inputs);

}  // namespace tandem::cli
