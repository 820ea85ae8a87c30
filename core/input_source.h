// core/input_source.h: where a stream of inputs (lines of a file, stdin, a
// list in memory) comes from, for the stages that read them window by window.
#pragma once

#include <string>
#include <vector>

namespace tandem {

class InputSource {
 public:
  virtual ~InputSource() = default;
  // The next input; false at the end. Throws on bad input, naming where.
  virtual bool next(std::string& text) = 0;
  // Whether the next input (or the end) can be had within wait_ms: a pipe or
  // terminal that has nothing yet says false after waiting that long, so a
  // reader can decode what it has instead of blocking. Files are always ready.
  virtual bool ready(int wait_ms) {
    (void)wait_ms;
    return true;
  }
};

// A list in memory, read in order.
class ListSource : public InputSource {
 public:
  explicit ListSource(const std::vector<std::string>& items) : items_(items) {}
  bool next(std::string& text) override {
    if (read_ == items_.size()) return false;
    text = items_[read_++];
    return true;
  }

 private:
  const std::vector<std::string>& items_;
  size_t read_ = 0;
};

// The next window of inputs: at least one (blocking for it), then more while
// they arrive within max_wait_ms of the first (-1: until the window is full
// or the input ends). False at the end of the input.
bool take_window(InputSource& input, int window, int max_wait_ms, std::vector<std::string>& texts);

}  // namespace tandem
