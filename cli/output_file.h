// cli/output_file.h: writes a command's text output to a file (atomically:
// nothing under the final name until all is written) or to stdout.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace tandem::cli {

// path "" or "-" means stdout.
void write_output(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace tandem::cli
