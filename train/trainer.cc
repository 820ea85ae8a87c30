#include "train/trainer.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "core/error.h"
#include "core/profile.h"
#include "core/rng.h"
#include "core/threads.h"
#include "io/hdf5.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "search/summarizer.h"
#include "search/translator.h"
#include "train/averaging.h"
#include "train/checkpoint.h"
#include "train/dataset.h"
#include "train/denoise_data.h"
#include "train/distributed.h"
#include "train/gradient_allreduce.h"
#include "kernels/cross_entropy.h"
#include "kernels/gemm.h"
#include "train/optimizer.h"
#include "train/run_lock.h"
#include "train/run_log.h"
#include "train/run_setup.h"

namespace tandem {
namespace {

using Clock = std::chrono::steady_clock;

// Descending by validation metric, with NaN (a failed validation) last: a
// plain `>` is no strict weak order once a NaN is in the list.
bool better_metric(const KeptCheckpoint& a, const KeptCheckpoint& b) {
  if (std::isnan(a.metric)) return false;
  if (std::isnan(b.metric)) return true;
  return a.metric > b.metric;
}

void make_dirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!partial.empty()) ::mkdir(partial.c_str(), 0755);
    }
    if (i < path.size()) partial += path[i];
  }
  struct stat st;
  TANDEM_CHECK(::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) << path << ": cannot create directory";
}

void remove_stale_temporaries(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (const dirent* e = readdir(d))
    if (std::strstr(e->d_name, ".h5.tmp-")) std::remove((dir + "/" + e->d_name).c_str());
  closedir(d);
}

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

class Trainer {
 public:
  Trainer(const Recipe& recipe, const TrainOptions& options)
      : r_(recipe), t_(recipe.training), options_(options), run_dir_(recipe.output),
        ckpt_dir_(recipe.output + "/checkpoints") {
    allreduce_.set_non_blocking(t_.allreduce_overlap);
  }

  std::map<std::string, double> run();

 private:
  // The batches of one update (all ranks') and their target tokens.
  struct UpdateGroup {
    std::vector<const std::vector<int>*> batches;
    long long tokens = 0;
  };
  struct UpdateSums {
    double loss = 0, nll = 0;  // over the whole group, every rank
  };

  void setup();
  void print_plan() const;
  // One update: next_group, forward_backward (this rank's share, then the sums
  // over ranks), the non-finite policy, clip + lr + Adam + EMA, the log line.
  bool train_one_update();
  bool next_group(UpdateGroup& g);  // false at max_epochs
  UpdateSums forward_backward(const UpdateGroup& g);
  bool skip_if_not_finite(const UpdateSums& sums, double gnorm, long long tokens);
  double apply_gradients(double gnorm);  // returns the learning rate used
  void log_update(const UpdateSums& sums, long long tokens, double gnorm, double lr, double seconds);
  // Sets stop_ once max_updates or max_time is reached (also before the first
  // update, so resuming a finished run trains nothing more).
  void check_limits();
  void validate_and_checkpoint();
  // Fine-tuning (recipe init_from): the pretrained weights, after checking the
  // architecture matches; then the recipe's `freeze:` list.
  void load_pretrained(const std::function<void(const std::string&)>& say);
  void freeze_parameters(const std::function<void(const std::string&)>& say);
  // The validation record of the current weights (loss, ppl, BLEU, chrF).
  ValidRecord evaluate_validation() const;
  double metric_of(const ValidRecord& v) const;  // the early-stopping metric, higher is better
  // After averaging: keeps the average or the best single checkpoint,
  // whichever scores better on validation; records both in `results`.
  void choose_average_or_best_single(size_t averaged, const std::string& updates,
                                     std::map<std::string, double>& results);
  void write_periodic_checkpoint(double metric);
  std::map<std::string, double> finish();
  // Decodes and scores each test pair (a multilingual model's languages apart);
  // writes test.hyp and test_scores.tsv and records the scores in `results`.
  void score_test(std::map<std::string, double>& results);
  double eta_seconds(double sec_per_update) const;
  void swap_in_ema();

  const Recipe& r_;
  const TrainRecipe& t_;
  TrainOptions options_;
  std::string run_dir_, ckpt_dir_;
  std::unique_ptr<RunLock> lock_;
  std::unique_ptr<RunLog> log_;
  Vocabularies vocab_;
  ModelConfig config_;
  std::unique_ptr<Seq2Seq> model_;
  std::unique_ptr<Adam> adam_;
  std::vector<Matrix> ema_;
  ParallelData train_, valid_;
  std::vector<std::string> valid_src_lines_, valid_tgt_lines_;
  std::vector<std::vector<int>> batches_;
  std::vector<int> order_;
  int order_epoch_ = -1;
  TrainState state_;
  ModelFileMeta meta_;
  std::map<std::string, std::string> checksums_;
  long long last_validated_ = -1;
  bool stop_ = false;
  std::string stop_reason_;
  // Log-interval accumulators.
  double acc_loss_ = 0, acc_nll_ = 0, acc_gnorm_ = 0, acc_time_ = 0;
  long long acc_tokens_ = 0, acc_updates_ = 0;
  // Data-parallel jobs (mpirun): gradient sums over the ranks and their cost.
  GradientAllreduce allreduce_;
  double allreduce_seconds_ = 0;              // waiting for the sums after backward
  double allreduce_seconds_in_backward_ = 0;  // starting them inside backward
  size_t allreduce_bytes_ = 0;
};

// Rank 0 trains or loads the vocabulary; the other ranks receive its bytes.
void share_vocabularies(Vocabularies& v) {
  if (!dist::active()) return;
  std::string src = dist::is_root() ? v.source->bytes() : "";
  std::string tgt = dist::is_root() ? v.target->bytes() : "";
  bool joint = v.joint;
  dist::broadcast(src);
  dist::broadcast(tgt);
  dist::broadcast(joint);
  if (dist::is_root()) return;
  v.source = std::make_unique<Tokenizer>(src, "the source vocabulary of rank 0");
  v.target = std::make_unique<Tokenizer>(tgt, "the target vocabulary of rank 0");
  v.joint = joint;
}

void Trainer::setup() {
  // Before anything is written: a CPU without bf16 is a one-line error.
  set_gemm_precision(t_.precision == "bf16" ? GemmPrecision::BFloat16 : GemmPrecision::Float32);
  const bool root = dist::is_root();
  if (!options_.dry_run) make_dirs(ckpt_dir_);  // a dry run plans; it writes nothing
  if (!options_.dry_run && root) {
    lock_ = std::make_unique<RunLock>(run_dir_);
    // With the lock held, a temporary checkpoint file can only be what a killed
    // run left mid-write: never complete, never renamed; remove it.
    remove_stale_temporaries(ckpt_dir_);
  }
  const std::string last = ckpt_dir_ + "/last.h5";
  log_ = std::make_unique<RunLog>();
  log_->set_quiet(!root);
  auto say = [this](const std::string& m) { log_->message(m); };
  if (!options_.dry_run) say("recipe " + r_.path + " (resolved):\n" + r_.resolved_yaml);
  if (options_.resume) {
    TANDEM_CHECK(exists(last)) << last << ": no checkpoint to resume from";
    const ModelFileMeta meta = read_model_meta(H5File::open_read(last));
    vocab_ = vocabularies_from_meta(meta, last);
    say("resuming from " + last);
  } else if (!r_.init_from.empty()) {
    // Fine-tuning keeps the pretrained model's vocabulary (every rank reads it).
    vocab_ = vocabularies_from_meta(read_model_meta(H5File::open_read(r_.init_from)), r_.init_from);
    say("vocabulary: from " + r_.init_from + " (" + std::to_string(vocab_.source->vocab_size()) + " pieces)");
  } else {
    if (root) vocab_ = prepare_vocabularies(r_, options_.dry_run ? "" : run_dir_, say);
    share_vocabularies(vocab_);
  }
  config_ = r_.model;
  config_.src_vocab_size = vocab_.source->vocab_size();
  config_.tgt_vocab_size = vocab_.target->vocab_size();
  config_.pad_id = vocab_.source->pad_id();
  TANDEM_CHECK(config_.tie_embeddings != TieEmbeddings::All || vocab_.joint)
      << r_.path << ": model.tie_embeddings all needs vocab.joint: true";
  config_.validate(r_.path + ": model");

  if (r_.task == Task::Denoise) {
    TANDEM_CHECK(vocab_.joint) << r_.path << ": task denoise needs one joint vocabulary (vocab.joint: true)";
    train_ = load_denoising(source_files(r_.train), *vocab_.source, r_.denoise, t_.seed, r_.denoise.copies, t_.max_len,
                            r_.path, /*as_text=*/false)
                 .pairs;
  } else {
    for (const auto& tag : split_tags(r_.train))
      TANDEM_CHECK(vocab_.source->piece_id(tag) >= 0)
          << r_.path << ": data: the vocabulary has no piece " << tag
          << " (a trained vocabulary reserves every tag; a vocab.model or init_from model must have it as a "
             "user-defined symbol)";
    train_ = load_parallel(r_.train, *vocab_.source, *vocab_.target, t_.max_len);
  }
  say("train: " + std::to_string(train_.src.size()) + " pairs, " + std::to_string(train_.src_tokens) +
      " source + " + std::to_string(train_.tgt_tokens) + " target tokens; skipped " +
      std::to_string(train_.skipped_empty) + " with an empty side and " +
      std::to_string(train_.skipped_long) + " over max_len " + std::to_string(t_.max_len));
  TANDEM_CHECK(!train_.src.empty()) << r_.path << ": data.train: no usable training pairs in "
                                    << source_files(r_.train).front()
                                    << (r_.train.size() > 1 ? " and the other files" : "");
  if (r_.task == Task::Denoise) {
    // Validation restores noised validation text (noised once, from the seed).
    DenoisingText valid = load_denoising(source_files(r_.valid), *vocab_.source, r_.denoise, t_.seed + 1, 1,
                                         config_.position_limit(), r_.path);
    valid_ = std::move(valid.pairs);
    valid_src_lines_ = std::move(valid.noised);
    valid_tgt_lines_ = std::move(valid.original);
    if (t_.valid_sentences > 0 && static_cast<size_t>(t_.valid_sentences) < valid_src_lines_.size()) {
      valid_src_lines_.resize(t_.valid_sentences);
      valid_tgt_lines_.resize(t_.valid_sentences);
    }
  } else {
    valid_ = load_parallel(r_.valid, *vocab_.source, *vocab_.target, config_.position_limit());
    // BLEU on the first valid_sentences lines of each pair (each language of a multilingual model).
    for (const auto& part : r_.valid) {
      auto src = read_source_lines(part);
      auto tgt = read_lines(part.tgt);
      if (t_.valid_sentences > 0 && static_cast<size_t>(t_.valid_sentences) < src.size()) src.resize(t_.valid_sentences);
      tgt.resize(src.size());  // load_parallel checked that both files have as many lines
      valid_src_lines_.insert(valid_src_lines_.end(), src.begin(), src.end());
      valid_tgt_lines_.insert(valid_tgt_lines_.end(), tgt.begin(), tgt.end());
    }
  }
  batches_ = make_train_batches(train_, t_.batch_tokens, t_.seed);
  model_ = std::make_unique<Seq2Seq>(config_);
  model_->init(t_.seed);
  if (!r_.init_from.empty()) {
    if (!options_.resume) load_pretrained(say);
    freeze_parameters(say);
  }
  adam_ = std::make_unique<Adam>(model_->params(), t_.optimizer);
  if (t_.ema > 0)
    for (const auto& p : model_->params()) ema_.push_back(p.param->value);
  if (options_.resume) {
    load_checkpoint(last, *model_, state_, {&adam_->first_moments(), &adam_->second_moments(), &ema_});
    TANDEM_CHECK(state_.batch_in_epoch <= static_cast<long long>(batches_.size()))
        << last << ": batch " << state_.batch_in_epoch << " of an epoch of " << batches_.size()
        << " batches: the checkpoint does not belong to this recipe's data";
    adam_->set_steps(state_.update);
    last_validated_ = state_.history.empty() ? -1 : state_.history.back().update;
    say("resumed at update " + std::to_string(state_.update) + ", epoch " + std::to_string(state_.epoch + 1));
  }
  if (!options_.dry_run && root) log_->open_files(run_dir_, options_.resume ? state_.update : -1, r_.task == Task::Summarize);
  if (!options_.dry_run && root) {
    checksums_ = data_checksums(r_);
    meta_ = run_meta(r_, config_, vocab_, checksums_);
  }
}

void Trainer::print_plan() const {
  const double params = static_cast<double>(model_->parameter_count());
  long long padded = 0;
  size_t max_rows = 0, max_tgt_rows = 0;
  for (const auto& b : batches_) {
    size_t s = 0, t = 0;
    for (int i : b) s = std::max(s, train_.src[i].size()), t = std::max(t, train_.tgt[i].size() + 1);
    padded += static_cast<long long>((s + t) * b.size());
    max_rows = std::max(max_rows, (s + t) * b.size());
    max_tgt_rows = std::max(max_tgt_rows, t * b.size());
  }
  const int layers = config_.encoder_layers + config_.decoder_layers;
  // Weights, gradients, Adam moments (and EMA); activations kept for backward per
  // token per layer (~16 d + 3 ffn floats) and one 512-row chunk of logits and
  // their gradient (the loss is computed in chunks, kernels/projected_cross_entropy.h).
  const double state_bytes = params * 4 * (4 + (t_.ema > 0 ? 1 : 0));
  const double act_bytes = static_cast<double>(max_rows) * layers * (16.0 * config_.d_model + 3.0 * config_.ffn_dim) * 4 +
                           static_cast<double>(std::min<size_t>(max_tgt_rows, 512)) * config_.tgt_vocab_size * 4 * 2;
  std::printf("plan for %s\n", r_.path.c_str());
  std::printf("  data root:        %s\n", r_.data_root.c_str());
  std::printf("  vocabulary:       %d source, %d target pieces (%s)\n", config_.src_vocab_size,
              config_.tgt_vocab_size, vocab_.joint ? "joint" : "separate");
  std::printf("  model:            %s, %.2fM parameters\n", r_.model_source.c_str(), params / 1e6);
  std::istringstream model_yaml(model_config_to_yaml(config_));
  for (std::string line; std::getline(model_yaml, line);) std::printf("    %s\n", line.c_str());
  std::printf("  train pairs:      %zu (skipped %d empty, %d over max_len %d)\n", train_.src.size(),
              train_.skipped_empty, train_.skipped_long, t_.max_len);
  std::printf("  batches/epoch:    %zu (budget %d tokens, %.0f%% of padded tokens are real)\n", batches_.size(),
              t_.batch_tokens, 100.0 * (train_.src_tokens + train_.tgt_tokens) / std::max<long long>(1, padded));
  const int per_update = t_.accumulate * dist::size();
  std::printf("  updates/epoch:    %zu (accumulate %d x %d rank(s))\n",
              (batches_.size() + per_update - 1) / per_update, t_.accumulate, dist::size());
  std::printf("  global batch:     %d batches of <= %d tokens per update (batch_tokens is per batch;\n"
              "                    each rank takes %d of them)\n",
              per_update, t_.batch_tokens, t_.accumulate);
  std::printf("  precision:        %s%s\n", t_.precision.c_str(),
              t_.precision == "bf16" ? " (bf16 GEMM inputs; fp32 weights, sums, norms, softmax, loss)" : "");
  std::printf("  limits:           max_epochs %d, max_updates %lld, max_time %s\n", t_.max_epochs,
              t_.max_updates, t_.max_time > 0 ? human_duration(t_.max_time).c_str() : "none");
  std::printf("  valid:            %zu pairs, every %d updates\n", valid_.src.size(), t_.valid_every);
  std::printf("  memory estimate:  %.0f MiB (weights+optimizer %.0f, activations %.0f)\n",
              (state_bytes + act_bytes) / 1048576.0, state_bytes / 1048576.0, act_bytes / 1048576.0);
  std::printf("  output:           %s\n", r_.output.c_str());
}

double Trainer::eta_seconds(double sec_per_update) const {
  double eta = 1e18;
  if (t_.max_time > 0) eta = std::min(eta, t_.max_time - state_.elapsed);
  if (t_.max_updates > 0) eta = std::min(eta, (t_.max_updates - state_.update) * sec_per_update);
  if (t_.max_epochs > 0) {
    const double per_update = static_cast<double>(t_.accumulate) * dist::size();
    const double per_epoch = static_cast<double>(batches_.size()) / per_update;
    const double left = (t_.max_epochs - state_.epoch) * per_epoch -
                        static_cast<double>(state_.batch_in_epoch) / per_update;
    eta = std::min(eta, left * sec_per_update);
  }
  return std::max(0.0, eta);
}

bool Trainer::next_group(UpdateGroup& g) {
  // Up to `accumulate` batches of this epoch per rank: the same group on every
  // rank (one global order); each rank takes every size()-th batch of it.
  g.batches.clear();
  while (static_cast<int>(g.batches.size()) < t_.accumulate * dist::size()) {
    if (state_.batch_in_epoch >= static_cast<long long>(batches_.size())) {
      if (!g.batches.empty()) break;
      ++state_.epoch;
      state_.batch_in_epoch = 0;
      if (t_.max_epochs > 0 && state_.epoch >= t_.max_epochs) {
        stop_ = true;
        stop_reason_ = "reached max_epochs " + std::to_string(t_.max_epochs);
        return false;
      }
    }
    if (order_epoch_ != state_.epoch) {
      order_ = epoch_order(batches_.size(), t_.seed, state_.epoch);
      order_epoch_ = state_.epoch;
    }
    g.batches.push_back(&batches_[order_[state_.batch_in_epoch++]]);
  }
  g.tokens = 0;
  for (const auto* b : g.batches)
    for (int i : *b) g.tokens += static_cast<long long>(train_.tgt[i].size()) + 1;
  return true;
}

Trainer::UpdateSums Trainer::forward_backward(const UpdateGroup& g) {
  model_->zero_grad();
  // Rank r draws its dropout from its own streams (rank 0's are those of a
  // one-process run).
  const uint64_t rank_key = dist::rank() == 0 ? 0 : Rng(dist::rank()).next().bits(0);
  Rng rng(t_.seed ^ 0xD4093D0A5ULL ^ rank_key, state_.rng_counter);
  double sums[2] = {0, 0};  // loss, nll
  // Several ranks: the rank's last backward of the update releases each
  // layer's gradients to the all-reduce as soon as they are final.
  const std::function<void(const std::string&)> release = [this](const std::string& prefix) {
    const auto start = Clock::now();
    allreduce_.ready(prefix);
    allreduce_seconds_in_backward_ += std::chrono::duration<double>(Clock::now() - start).count();
  };
  for (size_t i = static_cast<size_t>(dist::rank()); i < g.batches.size(); i += dist::size()) {
    const Batch batch = gather_batch(train_, *g.batches[i], config_.pad_id, vocab_.target->bos_id(),
                                     vocab_.target->eos_id());
    const bool overlap = dist::active() && t_.allreduce_overlap && i + dist::size() >= g.batches.size();
    if (overlap) allreduce_.begin(model_->params(), model_->gradient_ready_order());
    const auto s = model_->forward_backward(batch, &rng, t_.label_smoothing, 1.f / static_cast<float>(g.tokens),
                                            overlap ? release : std::function<void(const std::string&)>());
    sums[0] += s.loss_sum;
    sums[1] += s.nll_sum;
  }
  if (dist::active()) {  // every rank ends with the group's summed gradient
    const auto start = Clock::now();
    // Blocking sums all start here; so do the overlapped ones of a rank
    // without a batch in this group: the same collectives, in the same order.
    if (!t_.allreduce_overlap || static_cast<size_t>(dist::rank()) >= g.batches.size())
      allreduce_.begin(model_->params(), model_->gradient_ready_order());
    allreduce_bytes_ = allreduce_.finish();
    dist::allreduce_sum(sums, 2);
    allreduce_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
  }
  state_.rng_counter = static_cast<uint64_t>(dist::allreduce_max(static_cast<long long>(rng.counter())));
  return {sums[0], sums[1]};
}

bool Trainer::skip_if_not_finite(const UpdateSums& sums, double gnorm, long long tokens) {
  if (std::isfinite(sums.loss) && std::isfinite(gnorm)) {
    state_.nonfinite_in_a_row = 0;
    return false;
  }
  ++state_.nonfinite_in_a_row;
  log_->message("update " + std::to_string(state_.update + 1) + ": non-finite loss or gradient (loss per token " +
                std::to_string(sums.loss / static_cast<double>(tokens)) + ", grad norm " + std::to_string(gnorm) +
                "); batch skipped");
  TANDEM_CHECK(state_.nonfinite_in_a_row < 5)
      << "training diverged: 5 updates in a row with a non-finite loss or gradient (at update "
      << state_.update << "); the last checkpoint is intact (" << ckpt_dir_ << "/last.h5)";
  model_->zero_grad();
  return true;
}

double Trainer::apply_gradients(double gnorm) {
  if (t_.clip_norm > 0 && gnorm > t_.clip_norm)
    scale_gradients(model_->params(), static_cast<float>(t_.clip_norm / gnorm));
  const double lr = learning_rate(t_.schedule, t_.optimizer.lr, state_.update + 1, t_.max_updates);
  adam_->step(lr);
  ++state_.update;
  if (!ema_.empty()) {
    const float d = t_.ema;
    const auto& params = model_->params();
    for (size_t i = 0; i < params.size(); ++i) ema_[i] = d * ema_[i] + (1 - d) * params[i].param->value;
  }
  return lr;
}

void Trainer::log_update(const UpdateSums& sums, long long tokens, double gnorm, double lr, double seconds) {
  acc_loss_ += sums.loss;
  acc_nll_ += sums.nll;
  acc_tokens_ += tokens;
  acc_gnorm_ += gnorm;
  acc_time_ += seconds;
  ++acc_updates_;
  if (state_.update % t_.log_every != 0) return;
  const double sec_per_update = acc_time_ / acc_updates_;
  log_->train({state_.update, state_.epoch + 1, acc_loss_ / acc_tokens_, std::exp(acc_nll_ / acc_tokens_), lr,
               acc_gnorm_ / acc_updates_, state_.tgt_tokens, acc_tokens_ / acc_time_, state_.elapsed,
               eta_seconds(sec_per_update)});
  acc_loss_ = acc_nll_ = acc_gnorm_ = acc_time_ = 0;
  acc_tokens_ = acc_updates_ = 0;
}

bool Trainer::train_one_update() {
  const auto start = Clock::now();
  UpdateGroup group;
  if (!next_group(group)) return false;
  const UpdateSums sums = forward_backward(group);
  if (options_.after_backward) options_.after_backward(state_.update + 1, model_->params());
  const double gnorm = gradient_norm(model_->params());
  if (skip_if_not_finite(sums, gnorm, group.tokens)) return true;
  const double lr = apply_gradients(gnorm);
  state_.tgt_tokens += group.tokens;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  state_.elapsed += seconds;
  dist::broadcast(state_.elapsed);  // max_time stops every rank at the same update
  log_update(sums, group.tokens, gnorm, lr, seconds);
  check_limits();
  return true;
}

void Trainer::check_limits() {
  if (t_.max_updates > 0 && state_.update >= t_.max_updates) {
    stop_ = true;
    stop_reason_ = "reached max_updates " + std::to_string(t_.max_updates);
  }
  if (t_.max_time > 0 && state_.elapsed >= t_.max_time) {
    stop_ = true;
    stop_reason_ = "reached max_time " + human_duration(t_.max_time);
  }
  if (t_.patience > 0 && state_.bad_validations >= t_.patience && !stop_) {
    stop_ = true;
    stop_reason_ = "early stopping: no " + t_.early_stopping_metric + " improvement in " +
                   std::to_string(t_.patience) + " validations (best at update " +
                   std::to_string(state_.best_update) + ")";
  }
}

void Trainer::swap_in_ema() {
  const auto& params = model_->params();
  for (size_t i = 0; i < params.size(); ++i) params[i].param->value.swap(ema_[i]);
}

void Trainer::load_pretrained(const std::function<void(const std::string&)>& say) {
  const auto pretrained = load_model(r_.init_from);
  // The same architecture, key by key (dropout may differ: it is training, not shape).
  std::istringstream file_yaml(model_config_to_yaml(pretrained->config()));
  std::istringstream recipe_yaml(model_config_to_yaml(config_));
  for (std::string in_file, in_recipe; std::getline(file_yaml, in_file) && std::getline(recipe_yaml, in_recipe);) {
    const std::string key = in_file.substr(0, in_file.find(':'));
    if (key == "dropout" || key == "attention_dropout") continue;
    TANDEM_CHECK(in_file == in_recipe)
        << r_.path << ": init_from " << r_.init_from << ": model." << key << " is"
        << in_file.substr(in_file.find(':') + 1) << " there but" << in_recipe.substr(in_recipe.find(':') + 1)
        << " in the recipe (fine-tuning needs the same architecture)";
  }
  const ParamList& from = pretrained->params();
  const ParamList& to = model_->params();
  TANDEM_CHECK(from.size() == to.size()) << r_.init_from << ": parameter lists differ";
  for (size_t i = 0; i < to.size(); ++i) to[i].param->value = from[i].param->value;
  say("initialized from " + r_.init_from + " (fresh optimizer and schedule)");
}

void Trainer::freeze_parameters(const std::function<void(const std::string&)>& say) {
  long long frozen = 0;
  for (const auto& p : model_->params()) {
    const bool embedding = p.name.find("embed_tokens") != std::string::npos ||
                           p.name.find("output_projection") != std::string::npos;
    const bool encoder = p.name.rfind("encoder/", 0) == 0;
    if ((r_.freeze_embeddings && embedding) || (r_.freeze_encoder && encoder)) {
      if (!p.param->frozen) frozen += p.param->value.size();
      p.param->frozen = true;
    }
  }
  if (frozen > 0) say("frozen: " + std::to_string(frozen) + " parameters");
}

ValidRecord Trainer::evaluate_validation() const {
  ValidRecord v;
  v.update = state_.update;
  v.epoch = state_.epoch + 1;
  // Teacher-forced loss and perplexity.
  double loss = 0, nll = 0;
  long long tokens = 0;
  for (const auto& b : make_train_batches(valid_, t_.batch_tokens, t_.seed)) {
    const Batch batch = gather_batch(valid_, b, config_.pad_id, vocab_.target->bos_id(), vocab_.target->eos_id());
    const auto s = model_->evaluate_loss(batch, t_.label_smoothing);
    loss += s.loss_sum;
    nll += s.nll_sum;
    tokens += s.tokens;
  }
  v.loss = loss / std::max<long long>(1, tokens);
  v.ppl = std::exp(nll / std::max<long long>(1, tokens));
  // Decoding with the recipe's settings, scored against the raw references.
  const Translator translator(*model_, *vocab_.source, *vocab_.target, r_.decode.search, r_.decode.batch_tokens);
  std::vector<std::string> hyps;
  for (const auto& h : translator.translate(valid_src_lines_)) hyps.push_back(h[0].text);
  v.bleu = corpus_bleu(hyps, valid_tgt_lines_).score;
  v.chrf = corpus_chrf(hyps, valid_tgt_lines_).score;
  if (r_.task == Task::Summarize) {
    double sum = 0;
    const auto rouge = corpus_rouge(hyps, valid_tgt_lines_);
    for (const auto& s : rouge) sum += s.score;
    v.rouge = sum / static_cast<double>(std::max<size_t>(1, rouge.size()));
  }
  return v;
}

double Trainer::metric_of(const ValidRecord& v) const {
  const std::string& m = t_.early_stopping_metric;
  return m == "bleu" ? v.bleu : m == "chrf" ? v.chrf : m == "rouge" ? v.rouge : -v.loss;
}

void Trainer::validate_and_checkpoint() {
  if (!dist::is_root()) {  // rank 0 validates and writes; its stop decision is broadcast
    last_validated_ = state_.update;
    return;
  }
  if (!ema_.empty()) swap_in_ema();
  const ValidRecord v = evaluate_validation();
  state_.history.push_back(v);
  log_->valid(v, state_.elapsed);
  const double metric = metric_of(v);
  if (metric > state_.best_metric) {
    state_.best_metric = metric;
    state_.best_update = state_.update;
    state_.bad_validations = 0;
  } else {
    ++state_.bad_validations;
    if (t_.patience > 0 && state_.bad_validations >= t_.patience) {
      stop_ = true;
      stop_reason_ = "early stopping: no " + t_.early_stopping_metric + " improvement in " +
                     std::to_string(t_.patience) + " validations (best at update " +
                     std::to_string(state_.best_update) + ")";
    }
  }
  write_periodic_checkpoint(metric);
  if (!ema_.empty()) swap_in_ema();
  save_checkpoint(ckpt_dir_ + "/last.h5", *model_, meta_, state_,
                  {&adam_->first_moments(), &adam_->second_moments(), &ema_});
  last_validated_ = state_.update;
}

void Trainer::write_periodic_checkpoint(double metric) {
  const std::string path = periodic_checkpoint_path(ckpt_dir_, state_.update);
  save_model(path, *model_, meta_);
  state_.kept.push_back({state_.update, metric, path});
  // Keep the newest `average` (for averaging the last ones) and the best `keep`.
  std::vector<KeptCheckpoint> by_update = state_.kept, by_metric = state_.kept;
  std::sort(by_update.begin(), by_update.end(), [](auto& a, auto& b) { return a.update > b.update; });
  std::stable_sort(by_metric.begin(), by_metric.end(), better_metric);
  std::vector<KeptCheckpoint> retained;
  auto retain = [&](const KeptCheckpoint& k) {
    for (const auto& x : retained)
      if (x.update == k.update) return;
    retained.push_back(k);
  };
  for (size_t i = 0; i < by_update.size() && static_cast<int>(i) < t_.average; ++i) retain(by_update[i]);
  const int best_count = std::max(t_.keep, t_.average_which == "best" ? t_.average : 0);
  for (size_t i = 0; i < by_metric.size() && static_cast<int>(i) < best_count; ++i) retain(by_metric[i]);
  for (const auto& k : state_.kept) {
    bool keep = false;
    for (const auto& x : retained) keep |= x.update == k.update;
    if (!keep) std::remove(k.path.c_str());
  }
  std::sort(retained.begin(), retained.end(), [](auto& a, auto& b) { return a.update < b.update; });
  state_.kept = retained;
}

void Trainer::choose_average_or_best_single(size_t averaged, const std::string& updates,
                                            std::map<std::string, double>& results) {
  const std::string average = "average of " + std::to_string(averaged) + " checkpoints (updates " + updates + ")";
  const KeptCheckpoint* best = nullptr;
  for (const auto& k : state_.kept)
    if (k.update == state_.best_update) best = &k;
  if (averaged < 2 || !best) {
    log_->message("final model: " + average);
    return;
  }
  // The average is usually better than any one checkpoint, but not always
  // (a short run, a declining curve): score it on validation like the others
  // and keep whichever is better there.
  const double average_metric = metric_of(evaluate_validation());
  const std::string name = t_.early_stopping_metric;
  results["valid_" + name + "_average"] = t_.early_stopping_metric == "loss" ? -average_metric : average_metric;
  results["valid_" + name + "_best_single"] = t_.early_stopping_metric == "loss" ? -best->metric : best->metric;
  if (average_metric >= best->metric) {
    results["final_is_average"] = 1;
    log_->message("final model: " + average + ", valid " + name + " " + fmt("%.2f", average_metric) +
                  " (best single checkpoint, update " + std::to_string(best->update) + ": " +
                  fmt("%.2f", best->metric) + ")");
    return;
  }
  average_into({best->path}, *model_);
  results["final_is_average"] = 0;
  results["final_update"] = static_cast<double>(best->update);
  log_->message("final model: the checkpoint of update " + std::to_string(best->update) + ", valid " + name + " " +
                fmt("%.2f", best->metric) + ", better than the " + average + " (" + fmt("%.2f", average_metric) + ")");
}

std::map<std::string, double> Trainer::finish() {
  auto kept = state_.kept;
  if (t_.average_which == "best")
    std::stable_sort(kept.begin(), kept.end(), better_metric);
  else
    std::sort(kept.begin(), kept.end(), [](auto& a, auto& b) { return a.update > b.update; });
  std::vector<std::string> paths;
  std::string which;
  for (size_t i = 0; i < kept.size() && static_cast<int>(i) < t_.average; ++i) {
    paths.push_back(kept[i].path);
    which += (which.empty() ? "" : ", ") + std::to_string(kept[i].update);
  }
  average_into(paths, *model_);
  std::map<std::string, double> results;
  choose_average_or_best_single(paths.size(), which, results);
  const std::string model_path = run_dir_ + "/model.h5";
  save_model(model_path, *model_, meta_);

  results["updates"] = static_cast<double>(state_.update);
  results["train_seconds"] = state_.elapsed;
  if (!r_.test.empty()) score_test(results);
  meta_ = run_meta(r_, config_, vocab_, checksums_, results);
  save_model(model_path, *model_, meta_);
  log_->message("wrote " + model_path);
  return results;
}

void Trainer::score_test(std::map<std::string, double>& results) {
  const Translator translator(*model_, *vocab_.source, *vocab_.target, r_.decode.search, r_.decode.batch_tokens);
  const bool per_part = r_.test.size() > 1;
  // Two untagged pairs may share a target file name: number the repeats.
  std::vector<std::string> labels;
  for (const auto& part : r_.test) {
    const std::string base = part.label();
    std::string label = base;
    for (int n = 2; std::count(labels.begin(), labels.end(), label) > 0; ++n) label = base + "_" + std::to_string(n);
    labels.push_back(label);
  }
  std::string all_hyps;
  std::ofstream out(run_dir_ + "/test_scores.tsv");
  out << "metric\tscore\tsignature\n";
  const auto start = Clock::now();
  for (size_t p = 0; p < r_.test.size(); ++p) {
    const DataFiles& part = r_.test[p];
    std::vector<std::string> src, ref;
    if (r_.task == Task::Denoise) {
      DenoisingText test = load_denoising({part.src}, *vocab_.source, r_.denoise, t_.seed + 2, 1,
                                          config_.position_limit(), r_.path);
      src = std::move(test.noised);
      ref = std::move(test.original);
    } else {
      src = read_source_lines(part);
      ref = read_lines(part.tgt);
    }
    TANDEM_CHECK(src.size() == ref.size()) << "test files differ in length: " << part.src << " has " << src.size()
                                           << " lines, " << part.tgt << " has " << ref.size();
    std::vector<std::string> hyps;
    if (r_.task == Task::Summarize) {
      hyps = Summarizer(translator).summarize(src, nullptr, [this](const std::string& m) { log_->message(m); });
    } else {
      for (const auto& h : translator.translate(src)) hyps.push_back(h[0].text);
    }
    for (const auto& h : hyps) all_hyps += h + "\n";
    std::vector<MetricScore> scores = {corpus_bleu(hyps, ref), corpus_chrf(hyps, ref)};
    if (r_.task == Task::Summarize)
      for (auto& s : corpus_rouge(hyps, ref)) scores.push_back(s);
    // One pair: "BLEU" and test_bleu; several: "BLEU de" and test_bleu_de.
    const std::string label = per_part ? labels[p] : "";
    for (const auto& s : scores) {
      const std::string name = s.name + (per_part ? " " + label : "");
      out << name << "\t" << fmt("%.2f", s.score) << "\t" << s.signature << "\n";
      log_->message("test " + name + " = " + fmt("%.2f", s.score) + "  " + s.signature);
      std::string key = "test_" + s.name + (per_part ? "_" + label : "");
      for (auto& c : key) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
      results[key] = s.score;
    }
  }
  std::ofstream(run_dir_ + "/test.hyp") << all_hyps;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  log_->message("test set decoded in " + human_duration(seconds) + " (" + run_dir_ + "/test.hyp)");
}

std::map<std::string, double> Trainer::run() {
  setup();
  if (options_.dry_run) {
    if (dist::is_root()) print_plan();
    return {};
  }
  log_->message("model: " + std::to_string(model_->parameter_count()) + " parameters; " +
                std::to_string(batches_.size()) + " batches per epoch; " + std::to_string(num_threads()) +
                " threads" + (dist::active() ? " on each of " + std::to_string(dist::size()) + " ranks" : ""));
  if (options_.profile) profile::reset();
  check_limits();
  long long updates_here = 0;
  while (!stop_) {
    profile::enable(options_.profile);  // updates only: validation is left out
    const bool trained = train_one_update();
    profile::enable(false);
    if (!trained) break;
    ++updates_here;
    if (state_.update > 0 && state_.update % t_.valid_every == 0 && last_validated_ != state_.update) {
      validate_and_checkpoint();
      dist::broadcast(stop_);  // early stopping is decided on rank 0
    }
  }
  log_->message("training stopped: " + stop_reason_ + " (update " + std::to_string(state_.update) + ", " +
                human_duration(state_.elapsed) + " of training)");
  if (last_validated_ != state_.update) validate_and_checkpoint();
  if (dist::active() && updates_here > 0) {
    log_->message(std::to_string(dist::size()) + " ranks: all-reduce of " +
                  fmt("%.1f", allreduce_bytes_ / 1048576.0) + " MB of gradients per update: " +
                  (t_.allreduce_overlap
                       ? fmt("%.1f", 1000 * allreduce_seconds_in_backward_ / updates_here) + " ms inside backward + " +
                             fmt("%.1f", 1000 * allreduce_seconds_ / updates_here) + " ms after it (overlap)"
                       : fmt("%.1f", 1000 * allreduce_seconds_ / updates_here) + " ms after backward (blocking)"));
  }
  if (!dist::is_root()) return {};  // rank 0 averages, scores and writes the model
  if (options_.profile) {
    std::fprintf(stderr, "where the time of an update went (%lld updates):\n", updates_here);
    profile::print(stderr, updates_here);
  }
  return finish();
}

}  // namespace

std::map<std::string, double> train_recipe(const Recipe& recipe, const TrainOptions& options) {
  Trainer trainer(recipe, options);
  return trainer.run();
}

}  // namespace tandem
