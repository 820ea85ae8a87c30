// layers/stack_config.h: what one encoder or decoder stack needs to know,
// derived from the model config (model/config.h) so that layers/encoder/decoder
// stay below model/ in the include order.
#pragma once

#include "layers/feed_forward.h"
#include "layers/residual.h"

namespace tandem {

struct StackConfig {
  int d_model = 0;
  int heads = 1;
  int ffn_dim = 0;
  Activation activation = Activation::Relu;
  int layers = 0;
  NormPlacement norm = NormPlacement::Pre;
  int max_positions = 0;
  float dropout = 0.f;
  float attention_dropout = 0.f;
};

}  // namespace tandem
