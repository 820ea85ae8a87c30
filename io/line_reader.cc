#include "io/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/error.h"
#include "io/text_input.h"

namespace tandem {

LineReader::LineReader(const std::string& path) {
  if (path.empty() || path == "-") {
    fd_ = 0;
    name_ = "<stdin>";
    return;
  }
  name_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  TANDEM_CHECK(fd_ >= 0) << path << ": cannot open for reading: " << std::strerror(errno);
  owns_fd_ = true;
}

LineReader::~LineReader() {
  if (owns_fd_) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  // Drop what has been read before growing: memory stays about one line.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  constexpr size_t kChunk = 1 << 16;
  const size_t old = buffer_.size();
  buffer_.resize(old + kChunk);
  ssize_t n;
  do {
    n = ::read(fd_, &buffer_[old], kChunk);
  } while (n < 0 && errno == EINTR);
  const int err = errno;
  buffer_.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  TANDEM_CHECK(n >= 0) << name_ << ": read error: " << std::strerror(err);
  if (n == 0) eof_ = true;
  return n > 0;
}

bool LineReader::next(std::string& line) {
  size_t newline;
  while ((newline = buffer_.find('\n', start_)) == std::string::npos)
    if (!fill()) break;
  if (newline == std::string::npos) {
    if (start_ == buffer_.size()) return false;  // the end, after a final '\n' or none
    newline = buffer_.size();                    // a final line without '\n'
  }
  line.assign(buffer_, start_, newline - start_);
  start_ = std::min(buffer_.size(), newline + 1);
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const size_t bad = find_invalid_utf8(line);
  TANDEM_CHECK(bad == std::string::npos) << name_ << ":" << line_number_ << ": invalid UTF-8 at byte " << bad + 1;
  return true;
}

bool LineReader::ready(int wait_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, wait_ms));
  for (;;) {
    if (eof_ || buffer_.find('\n', start_) != std::string::npos) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;  // nothing within the wait (or poll failed: let next() block and report)
    fill();  // readable: this read does not block
  }
}

}  // namespace tandem
