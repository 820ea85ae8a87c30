#include "io/paths.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/error.h"

namespace tandem {

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void make_directories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  TANDEM_CHECK(std::filesystem::is_directory(path)) << path << ": cannot create directory"
                                                    << (ec ? ": " + ec.message() : std::string());
}

void check_not_same_file(const std::string& input, const std::string& output, const std::string& option) {
  std::error_code ec;
  if (!std::filesystem::exists(output, ec)) return;
  const bool same = std::filesystem::equivalent(input, output, ec);
  TANDEM_CHECK(ec || !same) << option << " " << output << " is the input file " << input
                            << " (the same file under another name or link): write to another path";
}

}  // namespace tandem
