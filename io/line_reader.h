// io/line_reader.h: UTF-8 text read line by line from a file or stdin, in
// bounded memory, with errors that name the file and line. Lines lose their
// '\n' (a final line without one counts) and a trailing '\r'. ready() tells,
// without blocking past a deadline, whether the next line has arrived (a pipe
// or a terminal), so a streaming command can work on what it has.
#pragma once

#include <string>

#include "core/input_source.h"

namespace tandem {

class LineReader : public InputSource {
 public:
  // path "" or "-": stdin.
  explicit LineReader(const std::string& path);
  ~LineReader() override;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Throws "<name>:<line>: invalid UTF-8 at byte <col>".
  bool next(std::string& line) override;
  bool ready(int wait_ms) override;
  const std::string& name() const { return name_; }
  long long lines_read() const { return line_number_; }

 private:
  // Reads once more into the buffer; false at the end of input.
  bool fill();

  int fd_ = -1;
  bool owns_fd_ = false;
  bool eof_ = false;
  std::string name_;
  std::string buffer_;
  size_t start_ = 0;  // the unread part of buffer_ begins here
  long long line_number_ = 0;
};

}  // namespace tandem
