#include "model/presets.h"

#include <sys/stat.h>

#include <yaml-cpp/yaml.h>

#include "core/did_you_mean.h"
#include "core/error.h"
#include "presets_data.h"

namespace tandem {

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kPresetCount; ++i) names.push_back(kPresets[i].name);
  return names;
}

ModelConfig resolve_model_config(const std::string& name_or_path) {
  struct stat st;
  if (::stat(name_or_path.c_str(), &st) == 0) return load_model_config(name_or_path);
  for (size_t i = 0; i < kPresetCount; ++i) {
    if (name_or_path != kPresets[i].name) continue;
    const std::string where = std::string("configs/") + kPresets[i].name + ".yaml";
    ModelConfig config;
    parse_model_config(YAML::Load(kPresets[i].yaml), where, config);
    return config;
  }
  const std::string near = nearest_name(name_or_path, preset_names());
  std::string all;
  for (const auto& n : preset_names()) all += (all.empty() ? "" : ", ") + n;
  TANDEM_FAIL() << "model config '" << name_or_path << "' is neither a file nor a preset ("
                << all << ")" << (near.empty() ? "" : "; did you mean `" + near + "`?");
}

}  // namespace tandem
