#include "cli/output_file.h"

#include <iostream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/paths.h"

namespace tandem::cli {

void write_output(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (path.empty() || path == "-") {
    write(std::cout);
    std::cout.flush();
    TANDEM_CHECK(std::cout) << "<stdout>: write failed";
    return;
  }
  write_text_atomically(path, write);
}

void check_outputs_spare_inputs(const std::vector<std::pair<std::string, std::string>>& outputs,
                                const std::vector<std::string>& inputs) {
  for (const auto& [option, output] : outputs) {
    if (output.empty() || output == "-") continue;
    for (const auto& input : inputs)
      if (!input.empty() && input != "-") check_not_same_file(input, output, option);
  }
}

}  // namespace tandem::cli
