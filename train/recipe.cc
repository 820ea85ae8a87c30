#include "train/recipe.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/yaml_fields.h"
#include "model/presets.h"

namespace tandem {
namespace {

bool file_exists(const std::string& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

// ${VAR:-default} and ${VAR} in a string, from the environment.
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

// One entry of `stages:`: its name and its settings, in order.
struct StagePatch {
  std::string name;
  std::vector<std::pair<std::string, YAML::Node>> set;  // key.path -> value
  std::string where;  // "recipe.yaml:12" for messages
};

// `stages:` — a list of {name, set: {key.path: value, ...}}, checked once.
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

// The recipe's output folder before any stage: `output`, else runs/NAME.
std::filesystem::path base_output(const YAML::Node& root) {
  if (root["output"].IsScalar()) return root["output"].Scalar();
  return std::filesystem::path("runs") / (root["name"].IsScalar() ? root["name"].Scalar() : std::string("run"));
}

// Stage i of the recipe: its settings over a copy of the base recipe, its own
// folder OUTPUT/NAME, and the previous stage's model as init_from.
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

// One {src, tgt, tag} mapping of data.KEY (or of its list).
DataFiles parse_pair(const YAML::Node& node, const std::string& where, const std::string& name, bool text_only) {
  YamlFields f(node, where, name);
  DataFiles files;
  f.get("src", files.src);
  f.get("tgt", files.tgt);
  f.get("tag", files.tag);
  f.finish();
  TANDEM_CHECK(!files.src.empty()) << f.location() << ": " << name << ".src: missing";
  TANDEM_CHECK(files.tag.find_first_of(" \t\r\n") == std::string::npos)
      << f.locate("tag") << ": a tag is one piece, without spaces (e.g. \">>de<<\"), got \"" << files.tag << "\"";
  // It is copied onto every source line: a piece, not a text.
  constexpr size_t kMaxTagBytes = 64;
  TANDEM_CHECK(files.tag.size() <= kMaxTagBytes)
      << f.locate("tag") << ": a tag of " << files.tag.size() << " bytes; at most " << kMaxTagBytes;
  if (text_only) {  // denoising: the text is both sides; a tgt would be ignored
    TANDEM_CHECK(files.tgt.empty()) << f.location() << ": " << name
                                    << ".tgt: task denoise reads only src (monolingual text)";
    TANDEM_CHECK(files.tag.empty()) << f.locate("tag") << ": task denoise takes no tag";
    files.tgt = files.src;
    return files;
  }
  TANDEM_CHECK(!files.tgt.empty()) << f.location() << ": " << name << ".tgt: missing";
  return files;
}

// data.KEY: one {src, tgt[, tag]} mapping, or a list of them (several corpora,
// or one pair per target language of a multilingual model).
void parse_files(YamlFields& parent, const std::string& key, DataSplit& split, bool required,
                 const std::string& where, bool text_only = false) {
  if (!parent.has(key)) {
    TANDEM_CHECK(!required) << parent.location() << ": data." << key << ": missing (src and tgt files)";
    parent.node(key);
    return;
  }
  const YAML::Node node = parent.node(key);
  const std::string name = "data." + key;
  if (!node.IsSequence()) {
    split.push_back(parse_pair(node, where, name, text_only));
    return;
  }
  TANDEM_CHECK(node.size() > 0) << where << ":" << node.Mark().line + 1 << ": " << name
                                << ": an empty list (give at least one {src, tgt})";
  for (size_t i = 0; i < node.size(); ++i)
    split.push_back(parse_pair(node[i], where, name + "[" + std::to_string(i) + "]", text_only));
  // A multilingual split tags every pair, or none: an untagged pair would
  // leave the model guessing the language.
  const auto tagged = std::count_if(split.begin(), split.end(), [](const DataFiles& d) { return !d.tag.empty(); });
  TANDEM_CHECK(tagged == 0 || static_cast<size_t>(tagged) == split.size())
      << where << ":" << node.Mark().line + 1 << ": " << name << ": tag every pair or none (" << tagged << " of "
      << split.size() << " have one)";
}

void parse_denoise(YamlFields& root, DenoiseRecipe& d, const std::string& where) {
  if (!root.has("denoise")) return;
  YamlFields f(root.node("denoise"), where, "denoise");
  f.get_enum("noise", d.noise, std::vector<std::pair<std::string, std::string>>{{"bart", "bart"}, {"t5", "t5"}});
  f.get("ratio", d.ratio, 0.01, 0.9);
  f.get("poisson_lambda", d.poisson_lambda, 0.1, 100.0);
  f.get("permute_sentences", d.permute_sentences);
  f.get("mean_span", d.mean_span, 1.0, 100.0);
  f.get("sentinels", d.sentinels, 1, 1000);
  f.get("copies", d.copies, 1, 100);
  f.get_enum("documents", d.blocks, std::vector<std::pair<std::string, bool>>{{"lines", false}, {"blocks", true}});
  f.finish();
}

void parse_optimizer(YamlFields& train, OptimizerRecipe& o, const std::string& where) {
  if (!train.has("optimizer")) return;
  YamlFields f(train.node("optimizer"), where, "train.optimizer");
  f.get("name", o.name);
  TANDEM_CHECK(o.name == "adam" || o.name == "adamw")
      << f.locate("name") << ": expected adam or adamw, got \"" << o.name << "\"";
  f.get("lr", o.lr, 1e-9, 10.0);
  if (f.has("betas")) {
    const YAML::Node b = f.node("betas");
    TANDEM_CHECK(b.IsSequence() && b.size() == 2)
        << f.locate("betas") << ": expected a list of two numbers";
    try {
      o.beta1 = b[0].as<double>();
      o.beta2 = b[1].as<double>();
    } catch (const YAML::Exception&) {
      TANDEM_FAIL() << f.locate("betas") << ": expected a list of two numbers";
    }
    TANDEM_CHECK(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1)
        << f.locate("betas") << ": each beta must be in [0, 1)";
  }
  f.get("eps", o.eps, 0.0, 1.0);
  f.get("weight_decay", o.weight_decay, 0.0, 10.0);
  f.finish();
}

void parse_train(YamlFields& root, TrainRecipe& t, const std::string& where) {
  if (!root.has("train")) return;
  YamlFields f(root.node("train"), where, "train");
  f.get("batch_tokens", t.batch_tokens, 16, 1 << 24);
  f.get("accumulate", t.accumulate, 1, 1024);
  f.get("max_len", t.max_len, 1, 1 << 16);
  parse_optimizer(f, t.optimizer, where);
  if (f.has("schedule")) {
    YamlFields s(f.node("schedule"), where, "train.schedule");
    s.get("name", t.schedule.name);
    TANDEM_CHECK(t.schedule.name == "inverse_sqrt" || t.schedule.name == "linear" ||
                 t.schedule.name == "constant")
        << s.locate("name") << ": expected inverse_sqrt, linear or constant, got \""
        << t.schedule.name << "\"";
    s.get("warmup", t.schedule.warmup, 0, 1 << 30);
    s.finish();
  }
  f.get("label_smoothing", t.label_smoothing, 0.f, 0.99f);
  f.get("clip_norm", t.clip_norm, 0.f, 1e6f);
  f.get("max_epochs", t.max_epochs, 0, 1 << 20);
  f.get("max_updates", t.max_updates, 0, 1LL << 40);
  if (f.has("max_time")) {
    std::string text;
    f.get("max_time", text);
    t.max_time = parse_duration(text, f.locate("max_time"));
  }
  f.get("valid_every", t.valid_every, 1, 1 << 30);
  f.get("valid_sentences", t.valid_sentences, 0, 1 << 30);
  if (f.has("early_stopping")) {
    YamlFields e(f.node("early_stopping"), where, "train.early_stopping");
    e.get("metric", t.early_stopping_metric);
    TANDEM_CHECK(t.early_stopping_metric == "bleu" || t.early_stopping_metric == "chrf" ||
                 t.early_stopping_metric == "rouge" || t.early_stopping_metric == "loss")
        << e.locate("metric") << ": expected bleu, chrf, rouge or loss, got \"" << t.early_stopping_metric << "\"";
    e.get("patience", t.patience, 0, 1 << 20);
    e.finish();
  }
  f.get("keep", t.keep, 1, 1000);
  f.get("average", t.average, 1, 1000);
  f.get("average_which", t.average_which);
  TANDEM_CHECK(t.average_which == "last" || t.average_which == "best")
      << f.locate("average_which") << ": expected last or best, got \"" << t.average_which << "\"";
  long long seed = static_cast<long long>(t.seed);
  f.get("seed", seed, 0, 1LL << 62);
  t.seed = static_cast<uint64_t>(seed);
  f.get("ema", t.ema, 0.f, 0.999999f);
  f.get("log_every", t.log_every, 1, 1 << 30);
  f.get("precision", t.precision);
  f.get_enum("allreduce", t.allreduce_overlap,
             std::vector<std::pair<std::string, bool>>{{"blocking", false}, {"overlap", true}});
  TANDEM_CHECK(t.precision == "float32" || t.precision == "bf16")
      << f.locate("precision") << ": expected float32 or bf16, got \"" << t.precision << "\"";
  f.finish();
  TANDEM_CHECK(t.max_epochs > 0 || t.max_updates > 0 || t.max_time > 0)
      << f.location() << ": train: set at least one of max_epochs, max_updates, max_time";
}

}  // namespace

std::vector<std::string> denoise_reserved_pieces(const DenoiseRecipe& d) {
  std::vector<std::string> pieces = {"<mask>"};
  if (d.noise == "t5")
    for (int i = 0; i < d.sentinels; ++i) pieces.push_back("<extra_id_" + std::to_string(i) + ">");
  return pieces;
}

double parse_duration(const std::string& text, const std::string& where) {
  double total = 0, number = 0;
  bool any = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t used = 0;
    try {
      number = std::stod(text.substr(i), &used);
    } catch (const std::exception&) {
      TANDEM_FAIL() << where << ": expected a duration like 85m, 1h30m or 90s, got \"" << text << "\"";
    }
    i += used;
    double unit = 1;
    if (i < text.size()) {
      const char u = text[i++];
      if (u == 'h') unit = 3600;
      else if (u == 'm') unit = 60;
      else if (u == 's') unit = 1;
      else TANDEM_FAIL() << where << ": unknown duration unit '" << u << "' in \"" << text << "\"";
    }
    total += number * unit;
    any = true;
  }
  TANDEM_CHECK(any && total >= 0)
      << where << ": expected a duration like 85m, 1h30m or 90s, got \"" << text << "\"";
  return total;
}

namespace {

// Parses one recipe tree (the base, or a stage patched onto it). init_from of
// a stage after the first is the previous stage's model, written later.
Recipe parse_recipe(YAML::Node root, const std::string& path, const RecipeOverrides& overrides,
                    const std::vector<StagePatch>& patches, const std::string& stage) {
  Recipe r;
  r.path = path;
  for (const auto& p : patches) r.stages.push_back(p.name);
  r.stage = stage;
  const std::string init_from_previous = stage.empty() || stage == r.stages.front() ? "" : root["init_from"].Scalar();
  YamlFields f(root, path, "");
  if (f.has("stages")) f.node("stages");
  f.get("name", r.name);
  f.get_enum("task", r.task, std::vector<std::pair<std::string, Task>>{
                                 {"translate", Task::Translate}, {"summarize", Task::Summarize}, {"denoise", Task::Denoise}});
  const bool text_only = r.task == Task::Denoise;
  TANDEM_CHECK(text_only || !f.has("denoise")) << f.locate("denoise") << ": only for task: denoise";
  parse_denoise(f, r.denoise, path);
  std::string data_root = "${TANDEM_DATA:-../shared/data}";
  f.get("data_root", data_root);
  // Precedence: --data-root, then TANDEM_DATA, then the recipe's value.
  const char* env = std::getenv("TANDEM_DATA");
  if (!overrides.data_root.empty()) r.data_root = overrides.data_root;
  else if (env && *env) r.data_root = env;
  else r.data_root = expand_env(data_root);

  TANDEM_CHECK(f.has("data")) << path << ": data: missing (train, valid and test files)";
  {
    YamlFields d(f.node("data"), path, "data");
    parse_files(d, "train", r.train, true, path, text_only);
    parse_files(d, "valid", r.valid, true, path, text_only);
    parse_files(d, "test", r.test, false, path, text_only);
    d.finish();
  }
  if (f.has("vocab")) {
    YamlFields v(f.node("vocab"), path, "vocab");
    v.get("type", r.vocab.type);
    TANDEM_CHECK(r.vocab.type == "unigram" || r.vocab.type == "bpe")
        << v.locate("type") << ": expected unigram or bpe, got \"" << r.vocab.type << "\"";
    v.get("size", r.vocab.size, 8, 1 << 20);
    v.get("joint", r.vocab.joint);
    v.get("model", r.vocab.model);
    v.finish();
  }
  TANDEM_CHECK(f.has("model")) << path << ": model: missing (a preset name, a path or a mapping)";
  {
    const YAML::Node m = f.node("model");
    if (m.IsScalar()) {
      r.model_source = m.Scalar();
      r.model = resolve_model_config(r.model_source);
    } else {
      TANDEM_CHECK(m.IsMap()) << f.locate("model") << ": expected a preset name, a path or a mapping";
      YAML::Node fields = YAML::Clone(m);
      r.model_source = "inline";
      if (fields["preset"].IsDefined()) {
        r.model_source = fields["preset"].Scalar();
        r.model = resolve_model_config(r.model_source);
        fields.remove("preset");
      }
      parse_model_config(fields, path, r.model);
    }
  }
  r.model.validate_architecture(path + ": model");
  parse_train(f, r.training, path);
  // A pair longer than the model's positions would abort training when its
  // batch comes up: an explicit max_len beyond them is refused now; the
  // default is capped by them.
  if (r.training.max_len == 0) r.training.max_len = std::min(kDefaultMaxLen, r.model.position_limit());
  TANDEM_CHECK(r.training.max_len <= r.model.position_limit())
      << path << ": train.max_len " << r.training.max_len << " exceeds model.max_positions "
      << r.model.position_limit() << " (lower train.max_len or raise model.max_positions)";
  std::string& metric = r.training.early_stopping_metric;
  if (metric.empty()) metric = r.task == Task::Summarize ? "rouge" : "bleu";
  TANDEM_CHECK(metric != "rouge" || r.task == Task::Summarize)
      << path << ": train.early_stopping.metric: rouge is for task: summarize (use bleu, chrf or loss)";
  r.decode.batch_tokens = r.training.batch_tokens;
  if (f.has("decode")) parse_decode_config(f.node("decode"), path, r.decode);
  r.output = "runs/" + (r.name.empty() ? std::string("run") : r.name);
  f.get("output", r.output);
  f.get("init_from", r.init_from);
  if (f.has("freeze")) {
    const YAML::Node list = f.node("freeze");
    TANDEM_CHECK(list.IsSequence()) << f.locate("freeze") << ": expected a list, e.g. [embeddings, encoder]";
    for (const auto& item : list) {
      const std::string part = item.IsScalar() ? item.Scalar() : "";
      if (part == "embeddings") r.freeze_embeddings = true;
      else if (part == "encoder") r.freeze_encoder = true;
      else TANDEM_FAIL() << f.locate("freeze") << ": expected embeddings or encoder, got \"" << part << "\"";
    }
    TANDEM_CHECK(!r.init_from.empty()) << f.locate("freeze") << ": freezing needs init_from (a pretrained model)";
  }
  f.finish();

  auto resolve = [&](std::string& file, const std::string& key) {
    if (file.empty()) return;
    if (file[0] != '/') file = r.data_root + "/" + file;
    TANDEM_CHECK(file_exists(file)) << path << ": data." << key << ": " << file
                                    << ": no such file (data_root is " << r.data_root
                                    << "; set it with --data-root or TANDEM_DATA)";
  };
  for (auto* split : {&r.train, &r.valid, &r.test}) {
    const std::string key = split == &r.train ? "train" : split == &r.valid ? "valid" : "test";
    for (size_t i = 0; i < split->size(); ++i) {
      const std::string at = key + (split->size() > 1 ? "[" + std::to_string(i) + "]" : "");
      resolve((*split)[i].src, at + ".src");
      resolve((*split)[i].tgt, at + ".tgt");
    }
  }
  // A tag valid or test asks for must be one the model learns.
  const auto train_tags = split_tags(r.train);
  for (const auto* split : {&r.valid, &r.test})
    for (const auto& tag : split_tags(*split))
      TANDEM_CHECK(std::find(train_tags.begin(), train_tags.end(), tag) != train_tags.end())
          << path << ": data: tag " << tag << " is in valid or test but no training pair has it";
  if (!r.vocab.model.empty()) {
    TANDEM_CHECK(file_exists(r.vocab.model)) << path << ": vocab.model: " << r.vocab.model << ": no such file";
  }
  // A stage's input is the previous stage's model: it exists once that stage has run.
  if (!r.init_from.empty() && r.init_from != init_from_previous) {
    TANDEM_CHECK(file_exists(r.init_from)) << path << ": init_from: " << r.init_from << ": no such file";
  }

  YAML::Emitter out;
  root["data_root"] = r.data_root;
  out << root;
  r.resolved_yaml = std::string(out.c_str()) + "\n";
  return r;
}

}  // namespace

Recipe load_recipe(const std::string& path, const RecipeOverrides& overrides) {
  const YAML::Node root = read_recipe_yaml(path, overrides);
  const auto patches = parse_stage_patches(root, path);
  if (overrides.stage.empty()) return parse_recipe(root, path, overrides, patches, "");
  TANDEM_CHECK(!patches.empty()) << path << ": no stages: to run stage " << overrides.stage << " of";
  for (size_t i = 0; i < patches.size(); ++i)
    if (patches[i].name == overrides.stage)
      return parse_recipe(apply_patch(root, patches, i), path, overrides, patches, overrides.stage);
  TANDEM_FAIL() << path << ": no stage named " << overrides.stage;
}

std::vector<Recipe> load_recipe_stages(const std::string& path, const RecipeOverrides& overrides) {
  const YAML::Node root = read_recipe_yaml(path, overrides);
  const auto patches = parse_stage_patches(root, path);
  if (patches.empty()) return {parse_recipe(root, path, overrides, patches, "")};
  std::vector<Recipe> stages;
  for (size_t i = 0; i < patches.size(); ++i)
    stages.push_back(parse_recipe(apply_patch(root, patches, i), path, overrides, patches, patches[i].name));
  return stages;
}

}  // namespace tandem
