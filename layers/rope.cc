#include "layers/rope.h"

#include <cmath>

namespace tandem {

void rope_angles(int position, int head_dim, float* cos_out, float* sin_out) {
  for (int i = 0; i < head_dim / 2; ++i) {
    // double: angles reach thousands of radians at long positions.
    const double angle = position * std::pow(10000.0, -2.0 * i / head_dim);
    cos_out[i] = static_cast<float>(std::cos(angle));
    sin_out[i] = static_cast<float>(std::sin(angle));
  }
}

}  // namespace tandem
