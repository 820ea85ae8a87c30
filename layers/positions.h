// layers/positions.h: absolute position signals added to token embeddings.
// Only sinusoidal exists so far; learned / rope / alibi (DESIGN.md §3) come with
// the model-variants issue (#6) and plug in beside it.
#pragma once

#include "core/tensor.h"

namespace tandem {

// Vaswani et al. 2017: PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(same).
Matrix sinusoidal_table(int max_positions, int d);

}  // namespace tandem
