// parallel_for: every iteration runs, and an error thrown inside the loop
// reaches the caller as that error (not std::terminate).
#include "core/parallel.h"

#include <atomic>

#include "../test_util.h"
#include "core/error.h"

namespace tandem {
namespace {

TEST(ParallelFor, RunsEveryIterationAndRethrowsTheError) {
  std::atomic<int> ran{0};
  parallel_for(100, [&](int) { ++ran; });
  EXPECT_EQ(ran.load(), 100);
  ran = 0;
  try {
    parallel_for(64, [&](int i) {
      ++ran;
      TANDEM_CHECK(i != 17) << "iteration " << i << " failed";
    });
    FAIL() << "the error was lost";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "iteration 17 failed");
  }
  EXPECT_EQ(ran.load(), 64) << "the other iterations still ran";
}

}  // namespace
}  // namespace tandem
