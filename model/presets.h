// model/presets.h: named model configs. The YAML files in configs/ are compiled
// into the binary (see CMakeLists.txt), so presets work from any directory.
#pragma once

#include <string>
#include <vector>

#include "model/config.h"

namespace tandem {

std::vector<std::string> preset_names();
// A preset name ("transformer-small") or a path to a YAML model config.
ModelConfig resolve_model_config(const std::string& name_or_path);

}  // namespace tandem
