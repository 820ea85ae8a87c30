// Recipe parsing: presets, overrides, data-root precedence, and every error
// path naming the key, the YAML line and the value.
#include "train/recipe.h"

#include <cstdlib>
#include <fstream>

#include <unistd.h>

#include "../test_util.h"

namespace tandem {
namespace {

class RecipeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "tandem_recipe_test_" + std::to_string(getpid());  // per process
    std::system(("mkdir -p " + dir_ + "/data").c_str());
    for (const char* f : {"a.en", "a.de", "b.en", "b.de"}) std::ofstream(dir_ + "/data/" + f) << "x\n";
    unsetenv("TANDEM_DATA");
  }
  std::string write(const std::string& yaml) {
    const std::string path = dir_ + "/r.yaml";
    std::ofstream(path) << yaml;
    return path;
  }
  std::string base() const {
    return "name: t\n"
           "data_root: " + dir_ + "/data\n"
           "data:\n"
           "  train: {src: a.en, tgt: a.de}\n"
           "  valid: {src: b.en, tgt: b.de}\n"
           "model: transformer-small\n"
           "train:\n"
           "  max_updates: 10\n";
  }
  std::string error_of(const std::string& yaml, const RecipeOverrides& o = {}) {
    try {
      load_recipe(write(yaml), o);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  std::string dir_;
};

TEST_F(RecipeTest, ParsesDefaultsAndPreset) {
  const Recipe r = load_recipe(write(base()), {});
  EXPECT_EQ(r.model.d_model, 256);
  EXPECT_EQ(r.training.max_updates, 10);
  EXPECT_EQ(r.training.batch_tokens, 4096);
  EXPECT_EQ(r.train.at(0).src, dir_ + "/data/a.en");
  EXPECT_EQ(r.output, "runs/t");
  EXPECT_NE(r.resolved_yaml.find("max_updates: 10"), std::string::npos);
}

TEST_F(RecipeTest, OverridesApplyOnTopOfPresets) {
  RecipeOverrides o;
  o.set = {"train.optimizer.lr=3e-4", "model.heads=8", "decode.beam=2", "train.max_time=1h30m"};
  const Recipe r = load_recipe(write(base()), o);
  EXPECT_DOUBLE_EQ(r.training.optimizer.lr, 3e-4);
  EXPECT_EQ(r.model.heads, 8);
  EXPECT_EQ(r.model.d_model, 256) << "the rest of the preset stays";
  EXPECT_EQ(r.decode.search.beam, 2);
  EXPECT_DOUBLE_EQ(r.training.max_time, 5400);
}

TEST_F(RecipeTest, DataRootPrecedence) {
  const std::string moved = dir_ + "/moved";
  std::system(("rm -rf " + moved + " && cp -r " + dir_ + "/data " + moved).c_str());
  setenv("TANDEM_DATA", moved.c_str(), 1);
  EXPECT_EQ(load_recipe(write(base()), {}).data_root, moved) << "TANDEM_DATA beats the recipe";
  RecipeOverrides o;
  o.data_root = dir_ + "/data";
  EXPECT_EQ(load_recipe(write(base()), o).data_root, dir_ + "/data") << "--data-root beats both";
  unsetenv("TANDEM_DATA");
}

TEST_F(RecipeTest, ErrorsNameKeyLineAndValue) {
  const std::string path = dir_ + "/r.yaml";
  EXPECT_EQ(error_of(base() + "  label_smothing: 0.1\n"),
            path + ":9: train.label_smothing: unknown key (did you mean `label_smoothing`?)");
  EXPECT_EQ(error_of(base() + "  batch_tokens: lots\n"),
            path + ":9: train.batch_tokens: expected an integer, got \"lots\"");
  EXPECT_EQ(error_of(base() + "  label_smoothing: 2\n"),
            path + ":9: train.label_smoothing: 2 is out of range [0, 0.99]");
  EXPECT_EQ(error_of(base() + "  optimizer: {name: sgd}\n"),
            path + ":9: train.optimizer.name: expected adam or adamw, got \"sgd\"");
  EXPECT_EQ(error_of(base() + "  max_time: 5x\n"),
            path + ":9: train.max_time: unknown duration unit 'x' in \"5x\"");
  EXPECT_NE(error_of(base() + "dropout: 0.1\n").find(path + ":9: dropout: unknown key"), std::string::npos);
  EXPECT_EQ(error_of(base() + "vocab: {size: 8000, jiont: true}\n"),
            path + ":9: vocab.jiont: unknown key (did you mean `joint`?)");
}

// data.train may list several pairs (a multilingual model tags each with its
// target language); tags are all-or-none, one piece, and known to training.
TEST_F(RecipeTest, DataListsAndTags) {
  std::string yaml = base();
  yaml.replace(yaml.find("  train: {src: a.en, tgt: a.de}\n"), 32,
               "  train:\n"
               "    - {src: a.en, tgt: a.de, tag: \">>de<<\"}\n"
               "    - {src: b.en, tgt: b.de, tag: \">>fr<<\"}\n");
  const Recipe r = load_recipe(write(yaml), {});
  ASSERT_EQ(r.train.size(), 2u);
  EXPECT_EQ(r.train[1].src, dir_ + "/data/b.en");
  EXPECT_EQ(r.train[1].tag, ">>fr<<");
  EXPECT_EQ(r.train[1].label(), "fr");
  EXPECT_EQ(split_tags(r.train), (std::vector<std::string>{">>de<<", ">>fr<<"}));
  ASSERT_EQ(r.valid.size(), 1u);
  EXPECT_EQ(r.valid[0].label(), "b.de") << "untagged: the target file's name";
  const std::string path = dir_ + "/r.yaml";

  std::string half = yaml;
  half.replace(half.find(", tag: \">>fr<<\""), 15, "");
  EXPECT_EQ(error_of(half), path + ":5: data.train: tag every pair or none (1 of 2 have one)");
  std::string spaced = yaml;
  spaced.replace(spaced.find(">>fr<<"), 6, ">> fr");
  EXPECT_EQ(error_of(spaced), path + ":6: data.train[1].tag: a tag is one piece, without spaces (e.g. \">>de<<\"), "
                                     "got \">> fr\"");
  std::string unknown_valid = yaml;
  unknown_valid.replace(unknown_valid.find("  valid: {src: b.en, tgt: b.de}"), 31,
                        "  valid: {src: b.en, tgt: b.de, tag: \">>cs<<\"}");
  EXPECT_NE(error_of(unknown_valid).find("tag >>cs<< is in valid or test but no training pair has it"),
            std::string::npos);
  std::string long_tag = yaml;
  long_tag.replace(long_tag.find(">>fr<<"), 6, std::string(65, 'x'));
  EXPECT_EQ(error_of(long_tag), path + ":6: data.train[1].tag: a tag of 65 bytes; at most 64");
  std::string empty = base();
  empty.replace(empty.find("{src: a.en, tgt: a.de}"), 22, "[]");
  EXPECT_EQ(error_of(empty), path + ":4: data.train: an empty list (give at least one {src, tgt})");
  std::string missing = yaml;
  missing.replace(missing.find("b.de, tag"), 4, "c.de");
  EXPECT_NE(error_of(missing).find("data.train[1].tgt: " + dir_ + "/data/c.de: no such file"), std::string::npos);
}

// Checkpoints are chosen by the task's own measure unless the recipe says:
// ROUGE for summaries, BLEU otherwise; ROUGE for translation is an error.
TEST_F(RecipeTest, SelectionMetricFollowsTheTask) {
  EXPECT_EQ(load_recipe(write(base()), {}).training.early_stopping_metric, "bleu");
  EXPECT_EQ(load_recipe(write("task: summarize\n" + base()), {}).training.early_stopping_metric, "rouge");
  EXPECT_EQ(load_recipe(write("task: summarize\n" + base() + "  early_stopping: {metric: chrf}\n"), {})
                .training.early_stopping_metric,
            "chrf");
  EXPECT_EQ(error_of(base() + "  early_stopping: {metric: rouge}\n"),
            dir_ + "/r.yaml: train.early_stopping.metric: rouge is for task: summarize (use bleu, chrf or loss)");
}

// Found by the recipe fuzzer: a stage without a name was an uncaught YAML error.
TEST_F(RecipeTest, StageWithoutANameIsAnError) {
  EXPECT_EQ(error_of(base() + "stages:\n  - na: pretrain\n"),
            dir_ + "/r.yaml:10: stages[0]: expected a mapping with a name");
}

TEST_F(RecipeTest, MissingFilesAndLimits) {
  std::string yaml = base();
  yaml.replace(yaml.find("b.de"), 4, "nope.de");
  EXPECT_NE(error_of(yaml).find("data.valid.tgt: " + dir_ + "/data/nope.de: no such file"), std::string::npos);
  std::string no_limit = base();
  no_limit.replace(no_limit.find("  max_updates: 10\n"), 18, "  seed: 3\n");
  EXPECT_NE(error_of(no_limit).find("set at least one of max_epochs, max_updates, max_time"), std::string::npos);
  RecipeOverrides bad;
  bad.set = {"train.max_updates"};
  EXPECT_NE(error_of(base(), bad).find("expected key.path=value"), std::string::npos);
  RecipeOverrides unknown;
  unknown.set = {"model.head=8"};
  EXPECT_NE(error_of(base(), unknown).find("model.head: unknown key (did you mean `heads`?)"), std::string::npos);
}

TEST(Duration, Forms) {
  EXPECT_DOUBLE_EQ(parse_duration("85m", "x"), 5100);
  EXPECT_DOUBLE_EQ(parse_duration("1h30m", "x"), 5400);
  EXPECT_DOUBLE_EQ(parse_duration("90s", "x"), 90);
  EXPECT_DOUBLE_EQ(parse_duration("120", "x"), 120);
  EXPECT_THROW(parse_duration("soon", "x"), Error);
}

}  // namespace
}  // namespace tandem
