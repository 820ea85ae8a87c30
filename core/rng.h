// core/rng.h: counter-based random numbers (splitmix64 of seed, stream, index).
// Each use (one dropout mask, one init) takes a fresh stream number; element i of
// that stream is a pure function of (seed, stream, i). So results do not depend
// on thread count or loop order, and the whole state is two integers, which
// makes exact resume trivial.
#pragma once

#include <cstdint>

namespace tandem {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 1, uint64_t next_stream = 0) : seed_(seed), next_(next_stream) {}

  // One stream: uniform(i) in [0,1), normal(i) ~ N(0,1).
  class Stream {
   public:
    Stream(uint64_t seed, uint64_t id) : key_(splitmix64(seed ^ splitmix64(id))) {}
    uint64_t bits(uint64_t i) const { return splitmix64(key_ + i * 0xd1b54a32d192ed03ULL); }
    float uniform(uint64_t i) const { return (bits(i) >> 40) * (1.0f / 16777216.0f); }
    float normal(uint64_t i) const;

   private:
    uint64_t key_;
  };

  Stream next() { return Stream(seed_, next_++); }
  uint64_t seed() const { return seed_; }
  uint64_t counter() const { return next_; }

 private:
  uint64_t seed_;
  uint64_t next_;
};

}  // namespace tandem
