#include "core/rng.h"

#include <cmath>

namespace tandem {

// Box-Muller on two independent uniforms derived from index i.
float Rng::Stream::normal(uint64_t i) const {
  const double u1 = ((bits(2 * i) >> 11) + 1.0) * (1.0 / 9007199254740993.0);  // (0,1]
  const double u2 = (bits(2 * i + 1) >> 11) * (1.0 / 9007199254740992.0);
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

}  // namespace tandem
