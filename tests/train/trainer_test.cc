// End-to-end training on a made-up copy task, exact resume, checkpoint
// averaging, and checkpoints that survive a writer killed mid-write.
#include "train/trainer.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "../model/tiny_model.h"
#include "../test_util.h"
#include "core/error.h"
#include "core/memory_limit.h"
#include "core/rng.h"
#include "core/threads.h"
#include "io/hdf5.h"
#include "io/model_file.h"
#include "kernels/compute_type.h"
#include "kernels/gemm.h"
#include "train/averaging.h"
#include "train/checkpoint.h"
#include "train/denoise_data.h"
#include "train/evaluator.h"
#include "train/stages.h"
#include "metrics/bleu.h"
#include "tokenizer/tokenizer.h"

namespace tandem {
namespace {

const char* kWords[] = {"red", "blue", "green", "dog", "cat", "runs", "sits", "on", "the", "a",
                        "big", "small", "house", "tree", "near", "river", "old", "man", "sees", "bird"};

// Random sentences of 3..8 words; the target copies the source.
void write_copy_task(const std::string& dir) {
  std::system(("mkdir -p " + dir).c_str());
  const auto stream = Rng(11).next();
  uint64_t k = 0;
  for (auto [name, n] : {std::make_pair("train", 3000), std::make_pair("valid", 40), std::make_pair("test", 60)}) {
    std::ofstream src(dir + "/" + name + ".src"), tgt(dir + "/" + name + ".tgt");
    for (int i = 0; i < n; ++i) {
      std::string line;
      const int len = 3 + static_cast<int>(stream.bits(k++) % 6);
      for (int w = 0; w < len; ++w) line += std::string(w ? " " : "") + kWords[stream.bits(k++) % 20];
      src << line << "\n";
      tgt << line << "\n";
    }
  }
}

std::string recipe_yaml(const std::string& data, const std::string& out, int updates, float dropout,
                        int valid_every = 20) {
  return "name: copy\n"
         "data_root: " + data + "\n"
         "data:\n"
         "  train: {src: train.src, tgt: train.tgt}\n"
         "  valid: {src: valid.src, tgt: valid.tgt}\n"
         "  test: {src: test.src, tgt: test.tgt}\n"
         "vocab: {type: unigram, size: 40, joint: true}\n"
         "model: {d_model: 32, heads: 2, ffn_dim: 64, encoder_layers: 1, decoder_layers: 1,\n"
         "        max_positions: 64, dropout: " + std::to_string(dropout) + ", tie_embeddings: all}\n"
         "train:\n"
         "  batch_tokens: 600\n"
         "  optimizer: {name: adam, lr: 3.0e-3}\n"
         "  schedule: {name: inverse_sqrt, warmup: 50}\n"
         "  label_smoothing: 0.0\n"
         "  clip_norm: 1.0\n"
         "  max_updates: " + std::to_string(updates) + "\n"
         "  valid_every: " + std::to_string(valid_every) + "\n"
         "  average: 1\n"
         "  log_every: 20\n"
         "  seed: 5\n"
         "decode: {beam: 2, length_penalty: 0.6, max_len_a: 1.2, max_len_b: 5}\n"
         "output: " + out + "\n";
}

Recipe load(const std::string& dir, const std::string& name, const std::string& yaml) {
  const std::string path = dir + "/" + name + ".yaml";
  std::ofstream(path) << yaml;
  return load_recipe(path, {});
}

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: ctest runs the cases of this file in parallel.
    dir_ = new std::string(::testing::TempDir() + "tandem_trainer_test_" + std::to_string(getpid()));
    std::system(("rm -rf " + *dir_).c_str());
    write_copy_task(*dir_ + "/data");
  }
  static void TearDownTestSuite() { std::system(("rm -rf " + *dir_).c_str()); }
  static std::string* dir_;
};
std::string* TrainerTest::dir_ = nullptr;

// The long trainer cases run on one thread each: ctest -j2 runs them side by
// side, and two 2-thread OpenMP programs on 2 cores are several times slower.
TEST_F(TrainerTest, LearnsToCopy) {
  set_threads(1);
  const std::string d = *dir_;
  const auto results = train_recipe(load(d, "e2e", recipe_yaml(d + "/data", d + "/e2e", 600, 0.f, 200)), {});
  EXPECT_GE(results.at("test_bleu"), 90.0) << "a copy task must be learnt almost perfectly";
  // The run left a self-contained model that knows its recipe and scores.
  ModelFileMeta meta;
  load_model(d + "/e2e/model.h5", &meta);
  EXPECT_FALSE(meta.vocab_src.empty());
  EXPECT_NE(meta.config_yaml.find("test_bleu"), std::string::npos);
  EXPECT_NE(meta.config_yaml.find("sha256:"), std::string::npos);
  std::ifstream metrics(d + "/e2e/metrics.tsv");
  std::string header;
  std::getline(metrics, header);
  EXPECT_EQ(header, "update\tepoch\tloss\tppl\tlr\tgrad_norm\ttgt_tokens\ttgt_tok_per_s\telapsed_s\teta_s");
  set_threads(0);
}

// The variants of issue #6 train end to end from a recipe with --set overrides
// on top of its model: rope with grouped-query heads and a sliding window,
// ALiBi, and the T5-style relative bias with RMS norm each learn to copy.
// Without absolute positions copying is harder (cross-attention has no
// position signal), so they get 2000 updates; ALiBi's encoder bias is
// symmetric (it cannot tell left from right), and learns copying slowest.
TEST_F(TrainerTest, VariantsLearnToCopy) {
  set_threads(1);
  const std::string d = *dir_;
  const std::vector<std::vector<std::string>> variants = {
      {"model.positions=rope", "model.kv_heads=1", "model.sliding_window=4"},
      {"model.positions=alibi"},
      {"model.positions=relative", "model.norm_type=rmsnorm"}};
  const double min_bleu[] = {90, 30, 80};  // measured: 93.2, 40.3, 87.2
  for (size_t i = 0; i < variants.size(); ++i) {
    const std::string name = "variant" + std::to_string(i);
    const std::string path = d + "/" + name + ".yaml";
    std::ofstream(path) << recipe_yaml(d + "/data", d + "/" + name, 2000, 0.f, 1000);
    RecipeOverrides overrides;
    overrides.set = variants[i];
    const auto results = train_recipe(load_recipe(path, overrides), {});
    EXPECT_GE(results.at("test_bleu"), min_bleu[i]) << variants[i][0];
  }
  set_threads(0);
}

long long checkpoint_update(const std::string& path) {
  return state_from_yaml(H5File::open_read(path).read_string("/train/state"), path).update;
}

std::vector<Matrix> params_of(const std::string& checkpoint);

// A NaN gradient skips its update (the run goes on and still reaches
// max_updates); five in a row stop the run with an error, and the checkpoint
// on disk stays the last good one.
// With several checkpoints averaged, the final model is the average or the
// best single checkpoint, whichever scores better on validation; both scores
// are recorded, and a single checkpoint kept is that checkpoint's weights.
TEST_F(TrainerTest, FinalModelIsTheBetterOfAverageAndBestSingle) {
  set_threads(1);
  const std::string d = *dir_;
  std::string yaml = recipe_yaml(d + "/data", d + "/pick", 160, 0.f, 20);
  yaml.replace(yaml.find("  average: 1\n"), 13, "  average: 3\n  average_which: best\n  keep: 3\n");
  const auto results = train_recipe(load(d, "pick", yaml), {});
  ASSERT_TRUE(results.count("final_is_average"));
  const double average = results.at("valid_bleu_average"), single = results.at("valid_bleu_best_single");
  if (results.at("final_is_average") == 1) {
    EXPECT_GE(average, single);
  } else {
    EXPECT_GT(single, average);
    const auto update = static_cast<long long>(results.at("final_update"));
    const auto chosen = load_model(d + "/pick/model.h5");
    const auto checkpoint = load_model(d + "/pick/checkpoints/update_" + std::to_string(update) + ".h5");
    for (size_t i = 0; i < chosen->params().size(); ++i)
      EXPECT_EQ(chosen->params()[i].param->value, checkpoint->params()[i].param->value)
          << chosen->params()[i].name;
  }
  set_threads(0);
}

// Two untagged test pairs with the same target file name are scored apart,
// the repeat numbered, neither overwriting the other.
TEST_F(TrainerTest, RepeatedTestLabelsStayApart) {
  set_threads(1);
  const std::string d = *dir_;
  std::string yaml = recipe_yaml(d + "/data", d + "/twice", 10, 0.f, 10);
  const std::string one = "  test: {src: test.src, tgt: test.tgt}\n";
  yaml.replace(yaml.find(one), one.size(), "  test: [{src: test.src, tgt: test.tgt}, {src: test.src, tgt: test.tgt}]\n");
  const auto results = train_recipe(load(d, "twice", yaml), {});
  ASSERT_TRUE(results.count("test_bleu_test_tgt") && results.count("test_bleu_test_tgt_2"));
  EXPECT_EQ(results.at("test_bleu_test_tgt"), results.at("test_bleu_test_tgt_2")) << "the same pair, the same score";
  set_threads(0);
}

// A summarization run picks its checkpoints by validation ROUGE (the mean F1
// of ROUGE-1, -2, -L), logs it in valid.tsv, and scores the test set in ROUGE.
TEST_F(TrainerTest, SummariesAreSelectedByRouge) {
  set_threads(1);
  const std::string d = *dir_;
  std::string yaml = "task: summarize\n" + recipe_yaml(d + "/data", d + "/sum", 60, 0.f, 30);
  yaml.replace(yaml.find("  average: 1\n"), 13, "  average: 2\n  average_which: best\n  keep: 2\n");
  const auto results = train_recipe(load(d, "sum", yaml), {});
  EXPECT_TRUE(results.count("valid_rouge_average") && results.count("valid_rouge_best_single"));
  EXPECT_TRUE(results.count("test_rouge_1") && results.count("test_rouge_l"));
  std::ifstream valid(d + "/sum/valid.tsv");
  std::string header, row;
  std::getline(valid, header);
  std::getline(valid, row);
  EXPECT_EQ(header, "update\tepoch\tvalid_loss\tvalid_ppl\tbleu\tchrf\telapsed_s\trouge");
  EXPECT_EQ(std::count(row.begin(), row.end(), '\t'), 7) << row;
  const double rouge = std::stod(row.substr(row.find_last_of('\t') + 1));
  EXPECT_GT(rouge, 0.0);
  EXPECT_LE(rouge, 100.0);
  set_threads(0);
}

// Fine-tuning: init_from starts from a trained model's weights and vocabulary;
// frozen parts stay bit for bit; the rest trains; another architecture is an
// error naming the first key that differs.
TEST_F(TrainerTest, InitFromAndFreeze) {
  set_threads(1);
  const std::string d = *dir_;
  train_recipe(load(d, "pre", recipe_yaml(d + "/data", d + "/pre", 40, 0.f, 40)), {});
  const std::string pretrained = d + "/pre/model.h5";
  std::string yaml = recipe_yaml(d + "/data", d + "/fine", 30, 0.1f, 30);
  yaml += "init_from: " + pretrained + "\nfreeze: [encoder]\n";
  train_recipe(load(d, "fine", yaml), {});
  const auto before = load_model(pretrained), after = load_model(d + "/fine/model.h5");
  int encoder_same = 0, decoder_changed = 0;
  for (size_t i = 0; i < before->params().size(); ++i) {
    const std::string& name = before->params()[i].name;
    const bool same = before->params()[i].param->value == after->params()[i].param->value;
    if (name.rfind("encoder/layers/", 0) == 0) {
      EXPECT_TRUE(same) << name << " is frozen";
      encoder_same += same;
    } else if (name.rfind("decoder/layers/", 0) == 0) {
      decoder_changed += !same;
    }
  }
  EXPECT_GT(encoder_same, 0);
  EXPECT_GT(decoder_changed, 0);
  // The recipe's model must be the file's.
  std::string wrong = recipe_yaml(d + "/data", d + "/wrong", 10, 0.f, 10);
  wrong.replace(wrong.find("ffn_dim: 64"), 11, "ffn_dim: 48");
  wrong += "init_from: " + pretrained + "\n";
  const std::string message = test::error_of([&] { train_recipe(load(d, "wrong", wrong), {}); });
  EXPECT_NE(message.find("model.ffn_dim is 64 in init_from " + pretrained + " but 48 in the recipe"),
            std::string::npos)
      << message;
  set_threads(0);
}

// Monolingual text whose masked spans are predictable from their context:
// runs of consecutive letters ("d e f g h"), so a model can learn to restore them.
void write_alphabet_text(const std::string& dir) {
  const auto stream = Rng(12).next();
  uint64_t k = 0;
  for (auto [name, n] : {std::make_pair("text_train", 3000), std::make_pair("text_valid", 40),
                         std::make_pair("text_test", 80)}) {
    std::ofstream out(dir + "/" + name + ".txt");
    for (int i = 0; i < n; ++i) {
      const int start = static_cast<int>(stream.bits(k++) % 26), len = 6 + static_cast<int>(stream.bits(k++) % 7);
      for (int j = 0; j < len; ++j) out << (j ? " " : "") << static_cast<char>('a' + (start + j) % 26);
      out << "\n";
    }
  }
}

std::string denoise_yaml(const std::string& data, const std::string& out, int updates, const std::string& noise) {
  return "name: denoise\n"
         "task: denoise\n"
         "data_root: " + data + "\n"
         "data:\n"
         "  train: {src: text_train.txt}\n"
         "  valid: {src: text_valid.txt}\n"
         "  test: {src: text_test.txt}\n"
         "denoise: " + noise + "\n"
         "vocab: {type: unigram, size: 48, joint: true}\n"
         "model: {d_model: 64, heads: 4, ffn_dim: 128, encoder_layers: 2, decoder_layers: 2,\n"
         "        max_positions: 64, dropout: 0.0, tie_embeddings: all}\n"
         "train:\n"
         "  batch_tokens: 800\n"
         "  optimizer: {name: adam, lr: 3.0e-3}\n"
         "  schedule: {name: inverse_sqrt, warmup: 100}\n"
         "  label_smoothing: 0.0\n"
         "  clip_norm: 1.0\n"
         "  max_updates: " + std::to_string(updates) + "\n"
         "  valid_every: " + std::to_string(updates) + "\n"
         "  average: 1\n"
         "  log_every: 100\n"
         "  seed: 5\n"
         "decode: {beam: 1, max_len_a: 1.0, max_len_b: 20}\n"
         "output: " + out + "\n";
}

// task: denoise: BART infilling on text whose spans can be inferred; the model
// learns to restore it well beyond what the noised text itself scores.
TEST_F(TrainerTest, DenoisingLearnsToRestoreText) {
  set_threads(1);
  const std::string d = *dir_;
  write_alphabet_text(d + "/data");
  const Recipe recipe =
      load(d, "denoise", denoise_yaml(d + "/data", d + "/denoise", 1200, "{noise: bart, permute_sentences: false}"));
  const auto results = train_recipe(recipe, {});
  // What the noised test text scores on its own, masks dropped.
  ModelFileMeta meta;
  load_model(d + "/denoise/model.h5", &meta);
  const Tokenizer tok(meta.vocab_src, "vocab");
  EXPECT_GE(tok.piece_id("<mask>"), 0) << "the vocabulary reserves <mask>";
  DenoisingText test = load_denoising(source_files(recipe.test), tok, recipe.denoise, 5 + 2, 1, 64, "test");
  for (auto& line : test.noised) {
    for (size_t at; (at = line.find("<mask>")) != std::string::npos;) line.erase(at, 6);
  }
  const double noised_bleu = corpus_bleu(test.noised, test.original).score;
  EXPECT_GE(results.at("test_bleu"), 85.0);
  EXPECT_GE(results.at("test_bleu"), noised_bleu + 20) << "noised text alone: " << noised_bleu;
  // T5 span corruption runs through the same pipeline with its sentinels.
  const Recipe t5 = load(d, "t5", denoise_yaml(d + "/data", d + "/t5", 20, "{noise: t5, sentinels: 4}"));
  train_recipe(t5, {});
  ModelFileMeta t5_meta;
  load_model(d + "/t5/model.h5", &t5_meta);
  EXPECT_GE(Tokenizer(t5_meta.vocab_src, "vocab").piece_id("<extra_id_3>"), 0);
  set_threads(0);
}

// A multilingual recipe: one model, two "languages" of the same source (the
// copy, and the copy in capitals), chosen by a tag before the source. The
// test set is scored per tag, and each score needs the tag obeyed: a model
// that ignored it would write both in one case, and BLEU is case-sensitive.
TEST_F(TrainerTest, TaggedPairsTrainOneModelForTwoTargets) {
  set_threads(1);
  const std::string d = *dir_;
  for (const char* split : {"train", "valid", "test"}) {
    std::ifstream in(d + "/data/" + split + ".tgt");
    std::ofstream out(d + "/data/" + split + ".up");
    for (std::string line; std::getline(in, line);) {
      for (auto& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out << line << "\n";
    }
  }
  std::string yaml = recipe_yaml(d + "/data", d + "/tagged", 800, 0.f, 800);
  yaml.replace(yaml.find("size: 40"), 8, "size: 80");  // both cases
  for (const char* split : {"train", "valid", "test"}) {
    const std::string s = split;
    const std::string one = "  " + s + ": {src: " + s + ".src, tgt: " + s + ".tgt}\n";
    yaml.replace(yaml.find(one), one.size(),
                 "  " + s + ":\n    - {src: " + s + ".src, tgt: " + s + ".tgt, tag: \">>copy<<\"}\n" +
                     "    - {src: " + s + ".src, tgt: " + s + ".up, tag: \">>up<<\"}\n");
  }
  const auto results = train_recipe(load(d, "tagged", yaml), {});
  ModelFileMeta meta;
  load_model(d + "/tagged/model.h5", &meta);
  const Tokenizer tok(meta.vocab_src, "vocab");
  auto tags = tok.language_tags();
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(tags, (std::vector<std::string>{">>copy<<", ">>up<<"})) << "what tandem info lists";
  const Ids tagged = tok.encode(">>up<< red dog");
  EXPECT_NE(std::find(tagged.begin(), tagged.end(), tok.piece_id(">>up<<")), tagged.end()) << "a tag is one piece";
  EXPECT_GE(results.at("test_bleu_copy"), 80.0);
  EXPECT_GE(results.at("test_bleu_up"), 80.0);
  EXPECT_EQ(results.count("test_bleu"), 0u) << "several test pairs are scored apart";
  std::ifstream hyps(d + "/tagged/test.hyp");
  int lines = 0;
  for (std::string line; std::getline(hyps, line);) ++lines;
  EXPECT_EQ(lines, 120) << "test.hyp holds both pairs' translations, in order";
  set_threads(0);
}

// stages: pretrain (denoising on text) then finetune (the copy task) in one
// command, each in its own folder, the second starting from the first's model
// and vocabulary; --resume skips stages that finished.
TEST_F(TrainerTest, StagesRunInOrderFromOneAnother) {
  set_threads(1);
  const std::string d = *dir_;
  write_alphabet_text(d + "/data");
  std::string yaml = recipe_yaml(d + "/data", d + "/staged", 30, 0.f, 30);
  yaml += "stages:\n"
          "  - name: pretrain\n"
          "    set: {task: denoise, denoise: {noise: bart}, train.max_updates: 40,\n"
          "          data: {train: {src: text_train.txt}, valid: {src: text_valid.txt}}}\n"
          "  - name: finetune\n";
  const std::string path = d + "/staged.yaml";
  std::ofstream(path) << yaml;
  train_recipe_file(path, {}, {});
  ModelFileMeta pre, fine;
  load_model(d + "/staged/pretrain/model.h5", &pre);
  load_model(d + "/staged/finetune/model.h5", &fine);
  EXPECT_EQ(fine.vocab_src, pre.vocab_src) << "the finetune stage keeps the pretrained vocabulary";
  EXPECT_NE(fine.config_yaml.find("init_from: " + d + "/staged/pretrain/model.h5"), std::string::npos);
  EXPECT_NE(pre.config_yaml.find("task: denoise"), std::string::npos);
  TrainOptions resume;
  resume.resume = true;
  EXPECT_TRUE(train_recipe_file(path, {}, resume).empty()) << "both stages had finished";
  // A stage that does not exist, and settings a stage may not change.
  RecipeOverrides missing;
  missing.stage = "nope";
  EXPECT_NE(test::error_of([&] { load_recipe(path, missing); }).find("no stage named nope"), std::string::npos);
  std::ofstream(path) << yaml << "    set: {output: elsewhere}\n";
  RecipeOverrides fine_stage;
  fine_stage.stage = "finetune";
  EXPECT_NE(test::error_of([&] { load_recipe(path, fine_stage); }).find("stage finetune may not set output"),
            std::string::npos);
  set_threads(0);
}

TEST_F(TrainerTest, NonFiniteGradientsSkipThenStop) {
  set_threads(1);
  const std::string d = *dir_;
  // NaN into the gradient on attempts first..last (a skipped update is retried
  // with the next batch under the same update number, so count attempts).
  auto plant_nan = [](int first, int last) {
    TrainOptions o;
    auto attempt = std::make_shared<int>(0);
    o.after_backward = [=](long long, const ParamList& params) {
      ++*attempt;
      if (*attempt >= first && *attempt <= last) params[0].param->grad(0, 0) = NAN;
    };
    return o;
  };
  // Attempts 5 and 6 are skipped: 30 updates still happen, two batches later.
  train_recipe(load(d, "skip", recipe_yaml(d + "/data", d + "/skip", 30, 0.f, 10)), plant_nan(5, 6));
  EXPECT_EQ(checkpoint_update(d + "/skip/checkpoints/last.h5"), 30);

  // From attempt 14 on every gradient is NaN: an error after 5 tries; last.h5 is
  // the checkpoint of update 10 and loads.
  const Recipe r = load(d, "diverge", recipe_yaml(d + "/data", d + "/diverge", 30, 0.f, 10));
  try {
    train_recipe(r, plant_nan(14, 1000));
    FAIL() << "expected the run to stop";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("5 updates in a row with a non-finite loss or gradient"),
              std::string::npos) << e.what();
  }
  const std::string last = d + "/diverge/checkpoints/last.h5";
  EXPECT_EQ(checkpoint_update(last), 10);
  for (const Matrix& m : params_of(last)) EXPECT_TRUE(m.allFinite());
  set_threads(0);
}

std::vector<Matrix> params_of(const std::string& checkpoint) {
  const ModelConfig c = model_config_from_document(
      read_model_meta(H5File::open_read(checkpoint)).config_yaml, checkpoint);
  Seq2Seq m(c);
  load_params(H5File::open_read(checkpoint), m);
  std::vector<Matrix> out;
  for (const auto& p : m.params()) out.push_back(p.param->value);
  return out;
}

TEST_F(TrainerTest, ResumeContinuesExactly) {
  set_threads(1);  // bitwise equality is promised with one thread
  const std::string d = *dir_;
  train_recipe(load(d, "whole", recipe_yaml(d + "/data", d + "/whole", 40, 0.1f)), {});
  train_recipe(load(d, "half", recipe_yaml(d + "/data", d + "/split", 20, 0.1f)), {});
  TrainOptions resume;
  resume.resume = true;
  train_recipe(load(d, "rest", recipe_yaml(d + "/data", d + "/split", 40, 0.1f)), resume);
  const auto a = params_of(d + "/whole/checkpoints/last.h5");
  const auto b = params_of(d + "/split/checkpoints/last.h5");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE((a[i].array() == b[i].array()).all()) << "tensor " << i;
  // Resuming a run that already reached max_updates trains nothing more.
  train_recipe(load(d, "again", recipe_yaml(d + "/data", d + "/split", 40, 0.1f)), resume);
  EXPECT_EQ(checkpoint_update(d + "/split/checkpoints/last.h5"), 40);
  const auto c = params_of(d + "/split/checkpoints/last.h5");
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE((a[i].array() == c[i].array()).all()) << "tensor " << i;
  set_threads(0);
}

// A second run into the folder of a finished one is refused before it writes
// anything; --overwrite replaces it; the finished record is written last.
TEST_F(TrainerTest, AnEarlierRunIsNeverOverwrittenSilently) {
  set_threads(1);
  const std::string d = *dir_;
  const std::string yaml = recipe_yaml(d + "/data", d + "/claimed", 10, 0.f, 10);
  train_recipe(load(d, "claimed", yaml), {});
  std::ifstream finished(d + "/claimed/finished.yaml");
  ASSERT_TRUE(finished.good()) << "a finished run leaves its record";
  std::ifstream before_file(d + "/claimed/metrics.tsv");
  const std::string before((std::istreambuf_iterator<char>(before_file)), std::istreambuf_iterator<char>());
  const std::string error = test::error_of([&] { train_recipe(load(d, "claimed", yaml), {}); });
  EXPECT_NE(error.find(d + "/claimed already holds a run"), std::string::npos) << error;
  std::ifstream after_file(d + "/claimed/metrics.tsv");
  const std::string after((std::istreambuf_iterator<char>(after_file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, before) << "the refused run truncated the log";
  TrainOptions overwrite;
  overwrite.overwrite = true;
  EXPECT_TRUE(train_recipe(load(d, "claimed", yaml), overwrite).count("test_bleu"));
  set_threads(0);
}

// Training that cannot fit is refused before the weights are allocated: here
// the weights alone take half the machine, so they pass the model's own
// check, but gradients and Adam's moments take four times as much.
TEST_F(TrainerTest, TrainingMemoryIsCheckedBeforeTheFirstUpdate) {
  const std::string d = *dir_;
  // Feed-forward layers of d 512 x ffn 2^20: 2^30 parameters each (4 GiB).
  const double per_layer = 2.0 * 512 * (1 << 20);
  const int layers = std::max(2, static_cast<int>(machine_memory_bytes() / 2 / sizeof(float) / per_layer));
  std::string yaml = recipe_yaml(d + "/data", d + "/huge", 10, 0.f, 10);
  const std::string small = "d_model: 32, heads: 2, ffn_dim: 64, encoder_layers: 1, decoder_layers: 1";
  yaml.replace(yaml.find(small), small.size(),
               "d_model: 512, heads: 2, ffn_dim: 1048576, encoder_layers: " + std::to_string(layers - 1) +
                   ", decoder_layers: 1");
  const std::string error = test::error_of([&] { train_recipe(load(d, "huge", yaml), {}); });
  EXPECT_NE(error.find("for training (weights, gradients and optimizer state"), std::string::npos) << error;
  EXPECT_NE(error.find("train.batch_tokens 600"), std::string::npos) << error;
}

double last_logged_loss(const std::string& metrics_tsv) {
  std::ifstream in(metrics_tsv);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  std::istringstream row(last);
  std::string update, epoch, loss;
  std::getline(row, update, '\t');
  std::getline(row, epoch, '\t');
  std::getline(row, loss, '\t');
  return std::stod(loss);
}

// train.precision: bf16 trains like float32 (loss within 2% after 30
// updates), leaves float32 behind, and validates and scores its test set in
// float32: the recorded test BLEU is what decoding model.h5 gives.
TEST_F(TrainerTest, Bf16TrainsLikeFloat32AndScoresAsTheSavedModelIsUsed) {
  if (!compute_type_unsupported_reason(ComputeType::BFloat16).empty()) GTEST_SKIP() << "no bf16 on this CPU";
  set_threads(1);
  const std::string d = *dir_;
  std::map<std::string, double> results[2];
  for (int bf16 = 0; bf16 < 2; ++bf16) {
    std::string yaml = recipe_yaml(d + "/data", d + "/precision" + std::to_string(bf16), 30, 0.f, 30);
    yaml.replace(yaml.find("  log_every: 20\n"), 16, "  log_every: 10\n");
    if (bf16) yaml.replace(yaml.find("train:\n"), 7, "train:\n  precision: bf16\n");
    results[bf16] = train_recipe(load(d, "precision" + std::to_string(bf16), yaml), {});
    EXPECT_EQ(gemm_precision(), GemmPrecision::Float32) << "a bf16 run must restore float32";
  }
  const double fp32 = last_logged_loss(d + "/precision0/metrics.tsv");
  const double bf16 = last_logged_loss(d + "/precision1/metrics.tsv");
  EXPECT_NEAR(bf16, fp32, 0.02 * fp32) << "loss after 30 updates, bf16 vs float32";
  // Decode the saved model as `tandem translate` would (float32) and score it.
  const Recipe r = load(d, "precision1", recipe_yaml(d + "/data", d + "/precision1", 30, 0.f, 30));
  ModelFileMeta meta;
  const auto model = load_model(d + "/precision1/model.h5", &meta);
  const Tokenizer vocab(meta.vocab_src, "model.h5");
  const TestPair test = load_test_pair(r, r.test[0], vocab, model->config().position_limit());
  const auto hyps = decode_best(*model, vocab, vocab, r.decode, test.sources, false);
  EXPECT_EQ(corpus_bleu(hyps, test.references).score, results[1].at("test_bleu"));
  set_threads(0);
}

TEST(Averaging, MeanOfTwoFiles) {
  const ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu);
  Seq2Seq a(c), b(c), avg(c);
  a.init(1);
  b.init(2);
  const std::string pa = ::testing::TempDir() + "avg_a.h5", pb = ::testing::TempDir() + "avg_b.h5";
  save_model(pa, a, {});
  save_model(pb, b, {});
  average_into({pa, pb}, avg);
  for (size_t i = 0; i < avg.params().size(); ++i) {
    const Matrix mean = (a.params()[i].param->value + b.params()[i].param->value) / 2;
    test::expect_close(avg.params()[i].param->value, mean, 1e-7, 1e-6, avg.params()[i].name);
  }
}

TEST(Checkpoint, KilledWriterLeavesPreviousLoadable) {
  ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu);
  c.d_model = 64;
  c.ffn_dim = 256;
  c.encoder_layers = c.decoder_layers = 4;
  Seq2Seq model(c);
  model.init(3);
  std::vector<Matrix> m, v;
  for (const auto& p : model.params()) m.push_back(p.param->value), v.push_back(p.param->value);
  const std::string path = ::testing::TempDir() + "killed_" + std::to_string(getpid()) + ".h5";
  TrainState state;
  save_checkpoint(path, model, {}, state, {&m, &v, nullptr});
  // Every write stores the same tensors and a growing update number; a kill
  // must leave one complete checkpoint with exactly those tensors. A kill that
  // finds a temporary file landed in the middle of a write: keep killing (up to
  // 40 times, at spread-out moments) until at least 3 did.
  int mid_write = 0, kills = 0;
  for (int attempt = 0; attempt < 40 && mid_write < 3; ++attempt) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // keep rewriting the checkpoint until killed
      for (long long u = 1;; ++u) {
        state.update = u;
        save_checkpoint(path, model, {}, state, {&m, &v, nullptr});
      }
    }
    usleep(static_cast<useconds_t>(2000 + 3700 * attempt % 50000));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ++kills;
    const std::string tmp = path + ".tmp-" + std::to_string(child);
    if (std::ifstream(tmp).good()) ++mid_write;
    std::remove(tmp.c_str());
    Seq2Seq loaded(c);
    TrainState got;
    std::vector<Matrix> m2, v2;
    ASSERT_NO_THROW(load_checkpoint(path, loaded, got, {&m2, &v2, nullptr})) << "after kill " << kills;
    for (size_t i = 0; i < model.params().size(); ++i) {
      ASSERT_EQ(loaded.params()[i].param->value, model.params()[i].param->value) << model.params()[i].name;
      ASSERT_EQ(m2[i], m[i]);
    }
  }
  EXPECT_GE(mid_write, 3) << "no kill landed in the middle of a write (" << kills << " kills)";
  std::system(("rm -f " + path + "*").c_str());
}

std::string state_error(const std::string& yaml) {
  try {
    state_from_yaml(yaml, "last.h5: /train/state");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A copied or edited last.h5 must not steer indexing (a negative batch index)
// or deletion (kept checkpoint paths): counters are checked, and the kept
// paths are rebuilt beside the checkpoint whatever the file says.
TEST(TrainState, TamperedStateIsRefusedOrIgnored) {
  TrainState s;
  s.update = 40;
  s.kept.push_back({20, 1.5, "/etc/passwd"});
  std::string yaml = state_to_yaml(s);
  EXPECT_EQ(state_error(yaml), "");
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string y = yaml;
    y.replace(y.find(from), from.size(), to);
    return y;
  };
  EXPECT_EQ(state_error(replaced("batch_in_epoch: 0", "batch_in_epoch: -5")),
            "last.h5: /train/state: malformed training state: batch_in_epoch -5 is negative");
  EXPECT_NE(state_error(replaced("[20,", "[41,")).find("kept checkpoint of update 41 outside 0..40"),
            std::string::npos);
  EXPECT_NE(state_error(replaced("update: 40", "update: [1]")).find("malformed training state"),
            std::string::npos);

  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu));
  std::vector<Matrix> m, v;
  for (const auto& p : model.params()) m.push_back(p.param->value), v.push_back(p.param->value);
  const std::string dir = ::testing::TempDir() + "tampered_run_" + std::to_string(getpid());
  std::system(("mkdir -p " + dir).c_str());
  save_checkpoint(dir + "/last.h5", model, {}, s, {&m, &v, nullptr});
  TrainState back;
  load_checkpoint(dir + "/last.h5", model, back, {&m, &v, nullptr});
  ASSERT_EQ(back.kept.size(), 1u);
  EXPECT_EQ(back.kept[0].path, dir + "/update_20.h5");
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace tandem
