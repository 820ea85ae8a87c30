// train/recipe.h: a training recipe (DESIGN.md §4), parsed once into typed
// structs. Unknown keys (with a "did you mean"), wrong types, out-of-range
// values and missing data files are errors naming the key and YAML line,
// raised before any work starts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/languages.h"
#include "search/decode_config.h"
#include "train/data_files.h"
#include "train/optimizer.h"

namespace tandem {

struct VocabRecipe {
  std::string type = "unigram";  // unigram | bpe
  int size = 8000;
  bool joint = true;
  std::string model;  // an existing SentencePiece model to reuse (joint), else trained
  // Lines the vocabulary is trained on at most: a seeded sample streamed from
  // the files (tokenizer/line_sample.h), so a corpus of any size trains it in
  // bounded memory. SentencePiece's own default, 2 million.
  int sample_sentences = 2000000;
};

constexpr int kDefaultMaxLen = 128;

struct TrainRecipe {
  int batch_tokens = 4096;  // padded source+target tokens per batch
  int accumulate = 1;
  // Pairs with a side longer than this (in tokens) are skipped; 0 until parsed
  // = kDefaultMaxLen capped by the model's positions.
  int max_len = 0;
  OptimizerRecipe optimizer;
  ScheduleRecipe schedule;
  float label_smoothing = 0.1f;
  float clip_norm = 0.f;    // 0 = no clipping
  int max_epochs = 0;       // 0 = no limit (some limit must be set)
  long long max_updates = 0;
  double max_time = 0;      // seconds of training (validation excluded); 0 = none
  int valid_every = 1000;
  int valid_sentences = 0;  // decode only the first N valid pairs for BLEU (0 = all)
  // bleu | chrf | rouge (summarize: the mean F1 of ROUGE-1, -2 and -L) | loss;
  // "" until parsed = the task's: rouge for summarize, else bleu.
  std::string early_stopping_metric;
  int patience = 0;         // validations without improvement before stopping; 0 = off
  int keep = 5;             // best checkpoints kept
  int average = 5;          // checkpoints averaged into the final model
  std::string average_which = "last";  // last | best
  uint64_t seed = 1;
  float ema = 0.f;          // 0 = off, else decay per update
  int log_every = 100;
  // float32 | bf16: bf16 GEMM inputs (AVX512-BF16), fp32 master weights, sums,
  // norms, softmax and loss (kernels/gemm.h set_gemm_precision).
  std::string precision = "float32";
  // Several ranks (mpirun): sum the gradients with blocking all-reduces after
  // backward, or overlap non-blocking ones with it (train/gradient_allreduce.h).
  // Blocking is the default: on one 2-core machine overlap trained at the same
  // speed within noise (bench/RESULTS.md, docs/distributed_training.md).
  bool allreduce_overlap = false;
};

enum class Task { Translate, Summarize, Denoise };

// task: denoise (pretraining on monolingual text, train/noise.h). Each line of
// the text files is a document (or, with `documents: blocks`, each run of
// lines up to a blank line); each is noised `copies` times, once, from the
// run's seed (so resume is exact).
struct DenoiseRecipe {
  std::string noise = "bart";   // bart: text infilling (+ sentence permutation) | t5: span corruption
  double ratio = -1;            // share of tokens noised; -1: 0.3 for bart, 0.15 for t5
  double poisson_lambda = 3;    // bart span lengths
  bool permute_sentences = true;  // bart
  double mean_span = 3;         // t5
  int sentinels = 100;          // t5: <extra_id_0> ... reserved in the vocabulary
  int copies = 1;               // noised copies of each training document
  bool blocks = false;          // documents are blank-line-separated blocks, not lines
  double effective_ratio() const { return ratio >= 0 ? ratio : noise == "t5" ? 0.15 : 0.3; }
};

// The vocabulary pieces denoising reserves: <mask>, and the t5 sentinels.
std::vector<std::string> denoise_reserved_pieces(const DenoiseRecipe& d);

struct Recipe {
  std::string path;       // the recipe file
  std::string name;
  // languages: {source: en, target: de} (or targets: {code: tag}): recorded in
  // the model file, shown by `tandem info`, routed on by `tandem serve`.
  ModelLanguages languages;
  Task task = Task::Translate;  // summarize: ROUGE on the test set, long inputs split
  DenoiseRecipe denoise;        // task: denoise
  std::string data_root;  // resolved
  DataSplit train, valid, test;  // test may be empty
  VocabRecipe vocab;
  std::string model_source;  // preset name, path, or "inline"
  ModelConfig model;
  TrainRecipe training;
  DecodeConfig decode;
  std::string output;
  // Fine-tuning: start from this model file's weights and vocabulary (its
  // architecture must equal `model`), with a fresh optimizer and schedule.
  std::string init_from;
  bool freeze_embeddings = false;  // freeze: [embeddings] (tied output projection too)
  bool freeze_encoder = false;     // freeze: [encoder]
  std::string resolved_yaml;  // the whole recipe after overrides, for logs and the model file
  // `stages:` (e.g. pretrain then finetune): their names in order, and the one
  // this Recipe is ("" = the recipe without any stage's settings).
  std::vector<std::string> stages;
  std::string stage;
};

struct RecipeOverrides {
  std::vector<std::string> set;  // "a.b=value"
  std::string data_root;         // --data-root ("" = not given)
  std::string stage;             // apply this stage of the recipe's stages:
};

// Reads, overrides, validates; checks that data files exist. With
// overrides.stage, the recipe of that stage.
Recipe load_recipe(const std::string& path, const RecipeOverrides& overrides);
// The file read and parsed once: the recipe itself when it has no stages,
// else one Recipe per stage (the base with that stage's patch), in order.
std::vector<Recipe> load_recipe_stages(const std::string& path, const RecipeOverrides& overrides);

// "85m", "1h30m", "90s", "120" (seconds) -> seconds.
double parse_duration(const std::string& text, const std::string& where);

}  // namespace tandem
