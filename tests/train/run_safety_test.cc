// The parts of a run that keep a user's files safe and its figures honest:
// the run folder is claimed (never silently reused), the final model is the
// average or the best single checkpoint exactly as said, a damaged log row is
// a clear error, and recipes are parsed once with their stage patches.
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "../model/tiny_model.h"
#include "../test_util.h"
#include "io/model_file.h"
#include "io/paths.h"
#include "train/checkpoint_keeper.h"
#include "train/recipe.h"
#include "train/run_folder.h"
#include "train/run_log.h"

namespace tandem {
namespace {

std::string fresh_dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "tandem_safety_" + name + "_" + std::to_string(getpid());
  std::system(("rm -rf " + d + " && mkdir -p " + d + "/checkpoints").c_str());
  return d;
}

void touch(const std::string& path, const std::string& text = "x\n") { std::ofstream(path) << text; }

TEST(RunFolder, AnEarlierRunIsRefusedUnlessResumedOrOverwritten) {
  const std::string d = fresh_dir("claim");
  claim_run_folder(d, false, false);  // an empty folder is free
  touch(d + "/metrics.tsv");
  touch(d + "/checkpoints/last.h5");
  touch(d + "/notes.txt");  // the user's own file
  const std::string error = test::error_of([&] { claim_run_folder(d, false, false); });
  EXPECT_NE(error.find(d + " already holds a run (metrics.tsv, checkpoints/last.h5)"), std::string::npos) << error;
  EXPECT_NE(error.find("--resume"), std::string::npos);
  EXPECT_NE(error.find("--overwrite"), std::string::npos);
  EXPECT_TRUE(path_exists(d + "/metrics.tsv")) << "a refusal touches nothing";
  claim_run_folder(d, /*resume=*/true, false);
  EXPECT_TRUE(path_exists(d + "/checkpoints/last.h5")) << "resume keeps the run";
  claim_run_folder(d, false, /*overwrite=*/true);
  EXPECT_FALSE(path_exists(d + "/metrics.tsv"));
  EXPECT_FALSE(path_exists(d + "/checkpoints/last.h5"));
  EXPECT_TRUE(path_exists(d + "/notes.txt")) << "overwrite removes only what a run writes";
  EXPECT_TRUE(run_files_in(d).empty());
}

TEST(RunFolder, FinishedOnlyOnceTheRecordIsWritten) {
  const std::string d = fresh_dir("finished");
  touch(d + "/model.h5");
  EXPECT_FALSE(run_finished(d)) << "a model file alone is not a finished run";
  write_finished_record(d, {{"test_bleu", 12.5}});
  EXPECT_TRUE(run_finished(d));
  std::ifstream in(d + "/finished.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("test_bleu: 12.5"), std::string::npos) << text;
}

TEST(RunLog, ResumeDropsLaterRowsAndNamesADamagedOne) {
  const std::string d = fresh_dir("log");
  touch(d + "/metrics.tsv", "update\tloss\n10\t1.0\n20\t0.9\n30\t0.8\n");
  touch(d + "/valid.tsv", "update\tbleu\n20\t5\n");
  {
    RunLog log;
    log.open_files(d, 20);
  }
  std::ifstream in(d + "/metrics.tsv");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "update\tloss\n10\t1.0\n20\t0.9\n");
  touch(d + "/metrics.tsv", "update\tloss\n10\t1.0\nGARBAGE\t0.9\n");
  RunLog log;
  const std::string error = test::error_of([&] { log.open_files(d, 20); });
  EXPECT_NE(error.find(d + "/metrics.tsv:3: expected an update number in the first column, got \"GARBAGE\""),
            std::string::npos)
      << error;
  std::ifstream again(d + "/metrics.tsv");
  const std::string kept((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "update\tloss\n10\t1.0\nGARBAGE\t0.9\n") << "a refused rewrite leaves the file as it was";
}

// Both branches of the final choice, forced by the validation score: the
// average branch leaves exactly the mean of the averaged checkpoints, the
// other exactly the best checkpoint's weights.
TEST(CheckpointKeeper, FinalModelIsTheMeanOrTheBestCheckpoint) {
  const std::string d = fresh_dir("keeper");
  TrainRecipe t;
  t.average = 3;
  t.keep = 3;
  t.average_which = "last";
  t.early_stopping_metric = "bleu";
  const CheckpointKeeper keeper(d + "/checkpoints", t);
  const ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu);
  TrainState state;
  ModelFileMeta meta;
  meta.config_yaml = config_document(c);
  std::vector<std::vector<Matrix>> written;
  const double metrics[] = {10, 30, 20, 15};  // update 200 is the best
  for (int i = 0; i < 4; ++i) {
    Seq2Seq m(c);
    m.init(100 + i);
    state.update = 100 * (i + 1);
    if (metrics[i] > state.best_metric) state.best_metric = metrics[i], state.best_update = state.update;
    keeper.write_periodic(m, meta, state, metrics[i]);
    std::vector<Matrix> values;
    for (const auto& p : m.params()) values.push_back(p.param->value);
    written.push_back(values);
  }
  ASSERT_EQ(state.kept.size(), 3u) << "the newest 3 (which include the best)";
  EXPECT_FALSE(path_exists(periodic_checkpoint_path(d + "/checkpoints", 100)));

  Seq2Seq model(c);
  std::map<std::string, double> results;
  const std::string average_line = keeper.choose_final(model, state, [] { return 99.0; }, results);
  EXPECT_EQ(results.at("final_is_average"), 1);
  EXPECT_NE(average_line.find("average of 3 checkpoints (updates 400, 300, 200)"), std::string::npos) << average_line;
  for (size_t p = 0; p < model.params().size(); ++p) {
    const Matrix mean = ((written[1][p].cast<double>() + written[2][p].cast<double>() + written[3][p].cast<double>()) /
                         3.0).cast<float>();
    test::expect_close(model.params()[p].param->value, mean, 1e-7, 1e-6, model.params()[p].name);
  }
  results.clear();
  const std::string best_line = keeper.choose_final(model, state, [] { return 1.0; }, results);
  EXPECT_EQ(results.at("final_is_average"), 0);
  EXPECT_EQ(results.at("final_update"), 200);
  EXPECT_EQ(results.at("valid_bleu_best_single"), 30);
  EXPECT_EQ(results.at("valid_bleu_average"), 1);
  for (size_t p = 0; p < model.params().size(); ++p)
    EXPECT_TRUE((model.params()[p].param->value.array() == written[1][p].array()).all()) << model.params()[p].name;
}

std::string write_recipe(const std::string& d, const std::string& body) {
  touch(d + "/a.src", "a b\n");
  touch(d + "/a.tgt", "a b\n");
  const std::string path = d + "/r.yaml";
  std::ofstream(path) << "name: r\ndata_root: " << d
                      << "\ndata:\n  train: {src: a.src, tgt: a.tgt}\n  valid: {src: a.src, tgt: a.tgt}\n"
                         "model: {d_model: 16, heads: 2, ffn_dim: 32, encoder_layers: 1, decoder_layers: 1, "
                         "max_positions: 40}\noutput: "
                      << d << "/out\n"
                      << body;
  return path;
}

TEST(Recipe, MaxLenIsCheckedAgainstThePositionsAtLoad) {
  const std::string d = fresh_dir("maxlen");
  EXPECT_EQ(load_recipe(write_recipe(d, "train: {max_updates: 1}\n"), {}).training.max_len, 40)
      << "the default is capped by the model's positions";
  const std::string error =
      test::error_of([&] { load_recipe(write_recipe(d, "train: {max_updates: 1, max_len: 100}\n"), {}); });
  EXPECT_NE(error.find("train.max_len 100 exceeds model.max_positions 40"), std::string::npos) << error;
}

TEST(Recipe, StagesAreTheBaseWithEachPatch) {
  const std::string d = fresh_dir("stages");
  const std::string path = write_recipe(d,
                                        "train: {max_updates: 5, batch_tokens: 100}\n"
                                        "stages:\n"
                                        "  - name: first\n"
                                        "    set: {train.max_updates: 7}\n"
                                        "  - name: second\n"
                                        "    set: {train.batch_tokens: 64}\n");
  const auto stages = load_recipe_stages(path, {});
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].stage, "first");
  EXPECT_EQ(stages[0].output, d + "/out/first");
  EXPECT_EQ(stages[0].training.max_updates, 7);
  EXPECT_EQ(stages[0].training.batch_tokens, 100);
  EXPECT_TRUE(stages[0].init_from.empty());
  EXPECT_EQ(stages[1].output, d + "/out/second");
  EXPECT_EQ(stages[1].training.max_updates, 5) << "a patch changes its own stage only";
  EXPECT_EQ(stages[1].training.batch_tokens, 64);
  EXPECT_EQ(stages[1].init_from, d + "/out/first/model.h5");
  EXPECT_EQ(stages[1].stages, (std::vector<std::string>{"first", "second"}));
  RecipeOverrides one;
  one.stage = "second";
  EXPECT_EQ(load_recipe(path, one).resolved_yaml, stages[1].resolved_yaml) << "one stage alone parses the same";
}

}  // namespace
}  // namespace tandem
