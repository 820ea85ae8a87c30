#include "api/guard.h"

#include <filesystem>

#include "core/threads.h"

namespace tandem::api {

void require_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw FileError(path + ": " + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file") +
                    " (" + what + ")");
}

void use_threads(int threads) {
  if (threads > 0) set_threads(threads);  // OpenMP's setting is per calling thread
}

}  // namespace tandem::api
