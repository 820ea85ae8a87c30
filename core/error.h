// core/error.h: the one exception type of the library, and TANDEM_CHECK.
// Library code throws; only cli/main.cc catches, prints one line and exits
// non-zero. Messages say where (file, key, dataset), what, and what was expected.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace tandem {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// Collects a message with operator<< and throws it when destroyed.
class ErrorBuilder {
 public:
  ErrorBuilder() = default;
  ErrorBuilder(const ErrorBuilder&) = delete;
  template <typename T>
  ErrorBuilder& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }
  [[noreturn]] ~ErrorBuilder() noexcept(false) { throw Error(stream_.str()); }

 private:
  std::ostringstream stream_;
};

}  // namespace tandem

// TANDEM_CHECK(n > 0) << "n must be positive, got " << n;
#define TANDEM_CHECK(cond) \
  if (cond) {              \
  } else                   \
    ::tandem::ErrorBuilder()

#define TANDEM_FAIL() ::tandem::ErrorBuilder()
