#include "cli/options.h"

#include <iostream>

#include "core/error.h"
#include "core/threads.h"

namespace tandem::cli {

void add_common_options(po::options_description& options) {
  options.add_options()("help,h", "show this help and exit")(
      "threads", po::value<int>()->default_value(0),
      "number of threads (0 = all cores); one OpenMP pool is shared by all math");
}

void apply_common_options(const po::variables_map& vm) {
  const int threads = vm["threads"].as<int>();
  TANDEM_CHECK(threads >= 0 && threads <= kMaxThreads)
      << "--threads must be between 0 (all cores) and " << kMaxThreads << ", got " << threads;
  set_threads(threads);
}

bool parse_command_line(int argc, char** argv, const std::string& usage,
                        const std::string& description, po::options_description& visible,
                        const po::positional_options_description& positional,
                        po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(argc, argv)
                  .options(visible)
                  .positional(positional)
                  .run(),
              vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << description << "\n\n" << visible << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    TANDEM_FAIL() << e.what() << " (see --help)";
  }
  return true;
}

}  // namespace tandem::cli
