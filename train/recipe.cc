#include "train/recipe.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/yaml_fields.h"
#include "model/presets.h"
#include "train/recipe_yaml.h"

namespace tandem {
namespace {

bool file_exists(const std::string& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
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

// Precedence: --data-root, then TANDEM_DATA, then the recipe's value.
std::string resolve_data_root(YamlFields& f, const RecipeOverrides& overrides) {
  std::string data_root = "${TANDEM_DATA:-../shared/data}";
  f.get("data_root", data_root);
  const char* env = std::getenv("TANDEM_DATA");
  if (!overrides.data_root.empty()) return overrides.data_root;
  if (env && *env) return env;
  return expand_env(data_root);
}

void parse_vocab(YamlFields& f, VocabRecipe& vocab, const std::string& path) {
  if (!f.has("vocab")) return;
  YamlFields v(f.node("vocab"), path, "vocab");
  v.get("type", vocab.type);
  TANDEM_CHECK(vocab.type == "unigram" || vocab.type == "bpe")
      << v.locate("type") << ": expected unigram or bpe, got \"" << vocab.type << "\"";
  v.get("size", vocab.size, 8, 1 << 20);
  v.get("joint", vocab.joint);
  v.get("model", vocab.model);
  v.get("sample_sentences", vocab.sample_sentences, 100, 1 << 30);
  v.finish();
}

// model: a preset name, a path, or a mapping (with an optional preset: under it).
void parse_model(YamlFields& f, Recipe& r, const std::string& path) {
  TANDEM_CHECK(f.has("model")) << path << ": model: missing (a preset name, a path or a mapping)";
  const YAML::Node m = f.node("model");
  if (m.IsScalar()) {
    r.model_source = m.Scalar();
    r.model = resolve_model_config(r.model_source);
    return;
  }
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

void parse_freeze(YamlFields& f, Recipe& r) {
  if (!f.has("freeze")) return;
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

// Data paths made absolute under the data root and checked; tags of valid,
// test and languages: must be tags the model trains on; vocab.model and
// init_from must exist (a stage's init_from is written by the stage before).
void check_files_and_tags(Recipe& r, const std::string& init_from_previous) {
  auto resolve = [&](std::string& file, const std::string& key) {
    if (file.empty()) return;
    if (file[0] != '/') file = r.data_root + "/" + file;
    TANDEM_CHECK(file_exists(file)) << r.path << ": data." << key << ": " << file
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
  for (const auto& [code, tag] : r.languages.targets)
    TANDEM_CHECK(tag.empty() || std::find(train_tags.begin(), train_tags.end(), tag) != train_tags.end())
        << r.path << ": languages.targets." << code << ": tag " << tag << " is not the tag of any training pair";
  for (const auto* split : {&r.valid, &r.test})
    for (const auto& tag : split_tags(*split))
      TANDEM_CHECK(std::find(train_tags.begin(), train_tags.end(), tag) != train_tags.end())
          << r.path << ": data: tag " << tag << " is in valid or test but no training pair has it";
  if (!r.vocab.model.empty()) {
    TANDEM_CHECK(file_exists(r.vocab.model)) << r.path << ": vocab.model: " << r.vocab.model << ": no such file";
  }
  // A stage's input is the previous stage's model: it exists once that stage has run.
  if (!r.init_from.empty() && r.init_from != init_from_previous) {
    TANDEM_CHECK(file_exists(r.init_from)) << r.path << ": init_from: " << r.init_from << ": no such file";
  }
}

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
  if (f.has("languages")) r.languages = parse_languages(f.node("languages"), f.locate("languages"));
  f.get_enum("task", r.task, std::vector<std::pair<std::string, Task>>{
                                 {"translate", Task::Translate}, {"summarize", Task::Summarize}, {"denoise", Task::Denoise}});
  const bool text_only = r.task == Task::Denoise;
  TANDEM_CHECK(text_only || !f.has("denoise")) << f.locate("denoise") << ": only for task: denoise";
  parse_denoise(f, r.denoise, path);
  r.data_root = resolve_data_root(f, overrides);

  TANDEM_CHECK(f.has("data")) << path << ": data: missing (train, valid and test files)";
  {
    YamlFields d(f.node("data"), path, "data");
    parse_files(d, "train", r.train, true, path, text_only);
    parse_files(d, "valid", r.valid, true, path, text_only);
    parse_files(d, "test", r.test, false, path, text_only);
    d.finish();
  }
  parse_vocab(f, r.vocab, path);
  parse_model(f, r, path);
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
  parse_freeze(f, r);
  f.finish();

  check_files_and_tags(r, init_from_previous);

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
