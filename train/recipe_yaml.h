// train/recipe_yaml.h: a recipe as a YAML tree, before it is typed: read
// once, with ${VAR:-default} expansion, --set overrides applied, and its
// `stages:` parsed into patches that each stage applies to a copy of the base.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "train/recipe.h"

namespace tandem {

// ${VAR:-default} and ${VAR} in a string, from the environment.
std::string expand_env(const std::string& s);

// One entry of `stages:`: its name and its settings, in order.
struct StagePatch {
  std::string name;
  std::vector<std::pair<std::string, YAML::Node>> set;  // key.path -> value
  std::string where;  // "recipe.yaml:12" for messages
};

// The file parsed, with --set and --data-root applied; errors name file and line.
YAML::Node read_recipe_yaml(const std::string& path, const RecipeOverrides& overrides);
// `stages:` — a list of {name, set: {key.path: value, ...}}, checked once.
std::vector<StagePatch> parse_stage_patches(const YAML::Node& root, const std::string& path);
// Stage i of the recipe: its settings over a copy of the base recipe, its own
// folder OUTPUT/NAME, and the previous stage's model as init_from.
YAML::Node apply_patch(const YAML::Node& base, const std::vector<StagePatch>& patches, size_t i);

}  // namespace tandem
