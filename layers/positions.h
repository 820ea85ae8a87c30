// layers/positions.h: the fixed sinusoidal table of absolute positions added
// to token embeddings. The other schemes live beside it: learned positions are
// a parameter of layers/embedding.h, rotary ones layers/rope.h, ALiBi and the
// T5 relative bias layers/position_bias.h (DESIGN.md §3).
#pragma once

#include "core/tensor.h"

namespace tandem {

// Vaswani et al. 2017: PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(same).
Matrix sinusoidal_table(int max_positions, int d);

}  // namespace tandem
