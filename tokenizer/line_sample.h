// tokenizer/line_sample.h: a seeded, bounded sample of a text stream's lines
// for vocabulary training (reservoir sampling, Algorithm R): whatever the
// corpus' size, at most `capacity` lines are held, each line of the stream
// equally likely to be kept. While the stream has no more lines than the
// capacity, every line is kept, in order (so small corpora train the same
// vocabulary as from the whole text). Empty lines are not counted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem {

class LineSample {
 public:
  LineSample(size_t capacity, uint64_t seed);
  void offer(std::string&& line);
  size_t seen() const { return seen_; }  // non-empty lines offered
  bool sampled() const { return seen_ > capacity_; }
  // The kept lines (in stream order while nothing was dropped).
  std::vector<std::string> take() { return std::move(kept_); }

 private:
  size_t capacity_;
  uint64_t seed_;
  size_t seen_ = 0;
  std::vector<std::string> kept_;
};

}  // namespace tandem
