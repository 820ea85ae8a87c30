// train/averaging.h: the elementwise mean of the parameters of model files
// that share one config (checkpoint averaging, `tandem average`).
#pragma once

#include <string>
#include <vector>

#include "model/seq2seq.h"

namespace tandem {

// Loads each file into `model` in turn and leaves their mean in it. The files
// must match the model's config (shapes are checked, as for any load).
void average_into(const std::vector<std::string>& paths, Seq2Seq& model);

}  // namespace tandem
