#include "layers/positions.h"

#include <cmath>

namespace tandem {

Matrix sinusoidal_table(int max_positions, int d) {
  Matrix pe(max_positions, d);
  for (int p = 0; p < max_positions; ++p) {
    for (int i = 0; i < d; i += 2) {
      const double angle = p / std::pow(10000.0, static_cast<double>(i) / d);
      pe(p, i) = static_cast<float>(std::sin(angle));
      if (i + 1 < d) pe(p, i + 1) = static_cast<float>(std::cos(angle));
    }
  }
  return pe;
}

}  // namespace tandem
