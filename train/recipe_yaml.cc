#include "train/recipe_yaml.h"

#include <cstdlib>
#include <filesystem>

#include "core/error.h"

namespace tandem {
namespace {

// Sets the node at "a.b.c" in the YAML tree. A scalar `model:` (a preset name
// or path) becomes {preset: NAME} so that model fields can be set on top of it.
// `what` names the assignment in errors.
void set_path(YAML::Node& root, const std::string& path, const YAML::Node& value, const std::string& what) {
  std::vector<std::string> keys;
  for (size_t start = 0;;) {
    const size_t dot = path.find('.', start);
    keys.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (keys.size() > 1 && keys[0] == "model" && root["model"].IsScalar()) {
    YAML::Node m(YAML::NodeType::Map);
    m["preset"] = root["model"].Scalar();
    root["model"] = m;
  }
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    YAML::Node next = chain.back()[keys[i]];
    if (!next.IsDefined() || next.IsNull()) {
      chain.back()[keys[i]] = YAML::Node(YAML::NodeType::Map);
      next = chain.back()[keys[i]];
    }
    TANDEM_CHECK(next.IsMap()) << what << ": " << keys[i] << " is not a mapping";
    chain.push_back(next);
  }
  chain.back()[keys.back()] = value;
}

// Applies "a.b.c=value" (--set) to the YAML tree.
void apply_override(YAML::Node& root, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  TANDEM_CHECK(eq != std::string::npos && eq > 0)
      << "--set " << assignment << ": expected key.path=value";
  const std::string path = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    TANDEM_FAIL() << "--set " << assignment << ": " << e.msg;
  }
  set_path(root, path, parsed, "--set " + assignment);
}

// The recipe's output folder before any stage: `output`, else runs/NAME.
std::filesystem::path base_output(const YAML::Node& root) {
  if (root["output"].IsScalar()) return root["output"].Scalar();
  return std::filesystem::path("runs") / (root["name"].IsScalar() ? root["name"].Scalar() : std::string("run"));
}

}  // namespace

std::string expand_env(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "${") == 0) {
      const size_t end = s.find('}', i);
      if (end != std::string::npos) {
        const std::string inner = s.substr(i + 2, end - i - 2);
        const size_t dash = inner.find(":-");
        const std::string var = inner.substr(0, dash);
        const char* value = std::getenv(var.c_str());
        if (value && *value) out += value;
        else if (dash != std::string::npos) out += inner.substr(dash + 2);
        i = end + 1;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

std::vector<StagePatch> parse_stage_patches(const YAML::Node& root, const std::string& path) {
  std::vector<StagePatch> patches;
  const YAML::Node stages = root["stages"];
  if (!stages.IsDefined() || stages.IsNull()) return patches;
  TANDEM_CHECK(stages.IsSequence() && stages.size() > 0)
      << path << ":" << stages.Mark().line + 1 << ": stages: expected a list of {name, set}";
  for (size_t i = 0; i < stages.size(); ++i) {
    const YAML::Node st = stages[i];
    const int line = st.Mark().line + 1;
    // A missing key of a const node is an invalid node, whose type cannot be asked.
    TANDEM_CHECK(st.IsMap() && st["name"].IsDefined() && st["name"].IsScalar())
        << path << ":" << line << ": stages[" << i << "]: expected a mapping with a name";
    StagePatch patch;
    patch.name = st["name"].Scalar();
    patch.where = path + ":" + std::to_string(line);
    TANDEM_CHECK(!patch.name.empty() &&
                 patch.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos)
        << patch.where << ": stage name \"" << patch.name << "\": use lower-case letters, digits, _ and -";
    for (const auto& seen : patches)
      TANDEM_CHECK(seen.name != patch.name) << patch.where << ": stage " << patch.name << " is named twice";
    for (const auto& key : st) {
      TANDEM_CHECK(key.first.IsScalar()) << path << ":" << key.first.Mark().line + 1 << ": stages[" << i
                                         << "]: a key must be a name";
      const std::string k = key.first.Scalar();
      TANDEM_CHECK(k == "name" || k == "set") << path << ":" << key.first.Mark().line + 1 << ": stages[" << i
                                             << "]." << k << ": unknown key (expected name or set)";
    }
    const YAML::Node sets = st["set"];
    if (sets.IsDefined() && !sets.IsNull()) {
      TANDEM_CHECK(sets.IsMap()) << path << ":" << sets.Mark().line + 1 << ": stages[" << i
                                 << "].set: expected a mapping of key.path: value";
      for (const auto& kv : sets) {
        TANDEM_CHECK(kv.first.IsScalar()) << path << ":" << kv.first.Mark().line + 1 << ": stage " << patch.name
                                          << ": a key of set must be a key.path";
        const std::string key = kv.first.Scalar();
        TANDEM_CHECK(key != "output" && key != "stages")
            << path << ":" << kv.first.Mark().line + 1 << ": stage " << patch.name << " may not set " << key
            << " (each stage writes OUTPUT/NAME)";
        patch.set.emplace_back(key, YAML::Clone(kv.second));
      }
    }
    patches.push_back(std::move(patch));
  }
  return patches;
}

YAML::Node apply_patch(const YAML::Node& base, const std::vector<StagePatch>& patches, size_t i) {
  YAML::Node root = YAML::Clone(base);
  const StagePatch& patch = patches[i];
  for (const auto& [key, value] : patch.set)
    set_path(root, key, YAML::Clone(value), patch.where + ": stage " + patch.name + ": " + key);
  const std::filesystem::path output = base_output(base);
  root["output"] = (output / patch.name).string();
  if (i > 0) root["init_from"] = (output / patches[i - 1].name / "model.h5").string();
  return root;
}

YAML::Node read_recipe_yaml(const std::string& path, const RecipeOverrides& overrides) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    TANDEM_FAIL() << path << ": cannot open recipe";
  } catch (const YAML::Exception& e) {
    TANDEM_FAIL() << path << ":" << e.mark.line + 1 << ": " << e.msg;
  }
  TANDEM_CHECK(root.IsMap()) << path << ": a recipe is a mapping of keys (name, data, model, train, ...)";
  for (const auto& s : overrides.set) apply_override(root, s);
  if (!overrides.data_root.empty()) root["data_root"] = overrides.data_root;
  return root;
}

}  // namespace tandem
