// core/profile.h: where a training update's time goes, by class of operation
// (`tandem train --profile`, `bench_train ... --profile`). Off by default; when
// on, each instrumented operation charges its wall time, exclusive of the
// instrumented operations it calls, to its class. Only the calling thread
// outside parallel regions records: work inside an OpenMP region is charged to
// the operation that opened it.
#pragma once

#include <chrono>
#include <cstdio>

namespace tandem {

enum class OpClass { Other, GemmForward, GemmBackward, Attention, Norm, Loss, Optimizer, Data, kCount };

namespace profile {

bool enabled();
// Turns recording on or off; time while off is charged to no class, so a
// caller can profile training updates and leave validation out.
void enable(bool on);
// Products in the backward pass are told apart from the forward ones by this flag.
void set_backward(bool backward);
bool backward();
// Charges the time since the last switch to the current class, then makes `c` current.
OpClass switch_to(OpClass c);
void add_flops(OpClass c, double flops);
// Clears the counters and starts the clock.
void reset();
// A table: class, ms per update, share, GFLOP/s for the product classes.
void print(std::FILE* out, long long updates);

}  // namespace profile

// Charges its lifetime to `c` (exclusive of nested scopes).
class ProfileScope {
 public:
  explicit ProfileScope(OpClass c) : active_(profile::enabled()) {
    if (active_) previous_ = profile::switch_to(c);
  }
  ~ProfileScope() {
    if (active_) profile::switch_to(previous_);
  }
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

 private:
  bool active_;
  OpClass previous_ = OpClass::Other;
};

}  // namespace tandem
