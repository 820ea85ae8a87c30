// tandem/errors.h: what the library throws. Every message is the one the
// command line prints (naming the file, line or value at fault).
#pragma once

#include <stdexcept>
#include <string>

namespace tandem::api {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A file that is missing or cannot be opened.
class FileError : public Error {
 public:
  using Error::Error;
};
// A bad value: an option, an input, a file's content.
class ValueError : public Error {
 public:
  using Error::Error;
};
// Training stopped on request (a progress callback returned false, Ctrl-C);
// the run's resume checkpoint was written.
class Interrupted : public Error {
 public:
  using Error::Error;
};

}  // namespace tandem::api
