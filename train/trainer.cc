#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

#include "core/error.h"
#include "core/profile.h"
#include "core/rng.h"
#include "core/threads.h"
#include "io/atomic_file.h"
#include "io/paths.h"
#include "io/hdf5.h"
#include "kernels/gemm.h"
#include "train/checkpoint_keeper.h"
#include "train/distributed.h"
#include "train/evaluator.h"
#include "train/gradient_allreduce.h"
#include "train/optimizer.h"
#include "train/run_folder.h"
#include "train/run_lock.h"
#include "train/run_log.h"
#include "train/run_setup.h"
#include "train/training_data.h"
#include "train/training_plan.h"

namespace tandem {
namespace {

using Clock = std::chrono::steady_clock;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

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

// The update loop of one recipe: the parts it drives (data, evaluator,
// checkpoint keeper, log) each live in their own file.
class Trainer {
 public:
  Trainer(const Recipe& recipe, const TrainOptions& options)
      : r_(recipe), t_(recipe.training), options_(options), run_dir_(recipe.output),
        keeper_(recipe.output + "/checkpoints", recipe.training) {
    allreduce_.set_non_blocking(t_.allreduce_overlap);
  }

  std::map<std::string, double> run();

 private:
  struct UpdateSums {
    double loss = 0, nll = 0;  // over the whole group, every rank
  };
  // options_.on_update said stop: write the resume checkpoint, then throw.
  void stop_on_request();
  double last_loss_ = 0;

  void setup();
  void claim_folder_and_vocabulary(const Say& say);
  void build_model(const Say& say);
  void resume_from_last(const Say& say);
  // One update: the next group, forward_backward (this rank's share, then the
  // sums over ranks), the non-finite policy, clip + lr + Adam + EMA, the log.
  bool train_one_update();
  UpdateSums forward_backward(const UpdateGroup& g);
  bool skip_if_not_finite(const UpdateSums& sums, double gnorm, long long tokens);
  double apply_gradients(double gnorm);
  void log_update(const UpdateSums& sums, long long tokens, double gnorm, double lr, double seconds);
  // Sets stop_ once max_updates, max_time or patience is reached (also before
  // the first update, so resuming a finished run trains nothing more).
  void check_limits();
  void validate_and_checkpoint();
  // Fine-tuning (recipe init_from): the pretrained weights, after checking the
  // architecture matches; then the recipe's `freeze:` list.
  void load_pretrained(const Say& say);
  void freeze_parameters(const Say& say);
  ValidRecord validate() const;
  std::map<std::string, double> finish();
  double eta_seconds(double sec_per_update) const;
  void swap_in_ema();
  void log_allreduce_cost(long long updates) const;
  OptimizerTensors optimizer_tensors() { return {&adam_->first_moments(), &adam_->second_moments(), &ema_}; }

  const Recipe& r_;
  const TrainRecipe& t_;
  TrainOptions options_;
  std::string run_dir_;
  CheckpointKeeper keeper_;
  std::unique_ptr<RunLock> lock_;
  std::unique_ptr<RunLog> log_;
  Vocabularies vocab_;
  ModelConfig config_;
  std::unique_ptr<TrainingData> data_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<Seq2Seq> model_;
  std::unique_ptr<Adam> adam_;
  std::vector<Matrix> ema_;
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

void Trainer::claim_folder_and_vocabulary(const Say& say) {
  const bool root = dist::is_root();
  if (!options_.dry_run && root) {
    make_directories(keeper_.last_path().substr(0, keeper_.last_path().rfind('/')));
    lock_ = std::make_unique<RunLock>(run_dir_);
    // With the lock held: refuse a folder holding another run, then clear what
    // a killed run left mid-write.
    claim_run_folder(run_dir_, options_.resume, options_.overwrite);
    keeper_.remove_stale_temporaries();
  }
  dist::barrier();  // no rank reads the folder before rank 0 has claimed it
  if (!options_.dry_run) say("recipe " + r_.path + " (resolved):\n" + r_.resolved_yaml);
  if (options_.resume) {
    const std::string& last = keeper_.last_path();
    TANDEM_CHECK(path_exists(last)) << last << ": no checkpoint to resume from";
    vocab_ = vocabularies_from_meta(read_model_meta(H5File::open_read(last)), last);
    say("resuming from " + last);
  } else if (!r_.init_from.empty()) {
    // Fine-tuning keeps the pretrained model's vocabulary (every rank reads it).
    vocab_ = vocabularies_from_meta(read_model_meta(H5File::open_read(r_.init_from)), r_.init_from);
    say("vocabulary: from " + r_.init_from + " (" + std::to_string(vocab_.source->vocab_size()) + " pieces)");
  } else {
    if (root) vocab_ = prepare_vocabularies(r_, options_.dry_run ? "" : run_dir_, say);
    share_vocabularies(vocab_);
  }
}

void Trainer::build_model(const Say& say) {
  config_ = r_.model;
  config_.src_vocab_size = vocab_.source->vocab_size();
  config_.tgt_vocab_size = vocab_.target->vocab_size();
  config_.pad_id = vocab_.source->pad_id();
  TANDEM_CHECK(config_.tie_embeddings != TieEmbeddings::All || vocab_.joint)
      << r_.path << ": model.tie_embeddings all needs vocab.joint: true";
  config_.validate(r_.path + ": model");
  data_ = std::make_unique<TrainingData>(r_, vocab_, config_.position_limit());
  say(data_->summary());
  evaluator_ = std::make_unique<Evaluator>(r_, *vocab_.source, *vocab_.target);
  // Before the weights are allocated and long before update 5,000: training must fit.
  check_training_fits(estimate_training_memory(config_, config_.parameter_estimate(), *data_, t_), r_);
  model_ = std::make_unique<Seq2Seq>(config_);
  model_->init(t_.seed);
  if (!r_.init_from.empty()) {
    if (!options_.resume) load_pretrained(say);
    freeze_parameters(say);
  }
  adam_ = std::make_unique<Adam>(model_->params(), t_.optimizer);
  if (t_.ema > 0)
    for (const auto& p : model_->params()) ema_.push_back(p.param->value);
}

void Trainer::resume_from_last(const Say& say) {
  const std::string& last = keeper_.last_path();
  load_checkpoint(last, *model_, state_, optimizer_tensors());
  TANDEM_CHECK(state_.batch_in_epoch <= static_cast<long long>(data_->batches().size()))
      << last << ": batch " << state_.batch_in_epoch << " of an epoch of " << data_->batches().size()
      << " batches: the checkpoint does not belong to this recipe's data";
  adam_->set_steps(state_.update);
  last_validated_ = state_.history.empty() ? -1 : state_.history.back().update;
  say("resumed at update " + std::to_string(state_.update) + ", epoch " + std::to_string(state_.epoch + 1));
}

void Trainer::setup() {
  const bool root = dist::is_root();
  log_ = std::make_unique<RunLog>();
  log_->set_quiet(!root);
  const Say say = [this](const std::string& m) { log_->message(m); };
  claim_folder_and_vocabulary(say);
  build_model(say);
  if (options_.resume) resume_from_last(say);
  if (!options_.dry_run && root) {
    log_->open_files(run_dir_, options_.resume ? state_.update : -1, r_.task == Task::Summarize);
    checksums_ = data_checksums(r_);
    meta_ = run_meta(r_, config_, vocab_, checksums_);
  }
}

double Trainer::eta_seconds(double sec_per_update) const {
  double eta = 1e18;
  if (t_.max_time > 0) eta = std::min(eta, t_.max_time - state_.elapsed);
  if (t_.max_updates > 0) eta = std::min(eta, (t_.max_updates - state_.update) * sec_per_update);
  if (t_.max_epochs > 0) {
    const double per_update = static_cast<double>(t_.accumulate) * dist::size();
    const double per_epoch = static_cast<double>(data_->batches().size()) / per_update;
    const double left = (t_.max_epochs - state_.epoch) * per_epoch -
                        static_cast<double>(state_.batch_in_epoch) / per_update;
    eta = std::min(eta, left * sec_per_update);
  }
  return std::max(0.0, eta);
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
    const Batch batch = gather_batch(data_->train(), *g.batches[i], config_.pad_id, vocab_.target->bos_id(),
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
      << state_.update << "); the last checkpoint is intact (" << keeper_.last_path() << ")";
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
  if (!data_->next_group(state_, t_.accumulate * dist::size(), group, &stop_reason_)) {
    stop_ = true;
    return false;
  }
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
  last_loss_ = group.tokens > 0 ? sums.loss / static_cast<double>(group.tokens) : 0.0;
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

void Trainer::load_pretrained(const Say& say) {
  const auto pretrained = load_model(r_.init_from);
  const std::string difference = first_config_difference(pretrained->config(), "init_from " + r_.init_from, config_,
                                                         "the recipe", /*architecture_only=*/true);
  TANDEM_CHECK(difference.empty()) << r_.path << ": " << difference << " (fine-tuning needs the same architecture)";
  const ParamList& from = pretrained->params();
  const ParamList& to = model_->params();
  TANDEM_CHECK(from.size() == to.size()) << r_.init_from << ": parameter lists differ";
  for (size_t i = 0; i < to.size(); ++i) to[i].param->value = from[i].param->value;
  say("initialized from " + r_.init_from + " (fresh optimizer and schedule)");
}

void Trainer::freeze_parameters(const Say& say) {
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

ValidRecord Trainer::validate() const {
  return evaluator_->validate(*model_, data_->valid(), state_.update, state_.epoch + 1);
}

void Trainer::validate_and_checkpoint() {
  if (!dist::is_root()) {  // rank 0 validates and writes; its stop decision is broadcast
    last_validated_ = state_.update;
    return;
  }
  if (!ema_.empty()) swap_in_ema();
  const ValidRecord v = validate();
  state_.history.push_back(v);
  log_->valid(v, state_.elapsed);
  const double metric = evaluator_->metric_of(v);
  if (metric > state_.best_metric) {
    state_.best_metric = metric;
    state_.best_update = state_.update;
    state_.bad_validations = 0;
  } else {
    ++state_.bad_validations;
  }
  check_limits();  // patience
  keeper_.write_periodic(*model_, meta_, state_, metric);
  if (!ema_.empty()) swap_in_ema();
  keeper_.write_last(*model_, meta_, state_, optimizer_tensors());
  last_validated_ = state_.update;
}

void Trainer::stop_on_request() {
  if (dist::is_root()) keeper_.write_last(*model_, meta_, state_, optimizer_tensors());
  dist::barrier();
  log_->message("training interrupted at update " + std::to_string(state_.update) + "; " + keeper_.last_path() +
                " written: continue with --resume");
  throw TrainingInterrupted("training interrupted at update " + std::to_string(state_.update) +
                            "; continue with --resume (" + keeper_.last_path() + ")");
}

std::map<std::string, double> Trainer::finish() {
  std::map<std::string, double> results;
  log_->message(keeper_.choose_final(*model_, state_, [this] { return evaluator_->metric_of(validate()); }, results));
  const std::string model_path = run_dir_ + "/model.h5";
  save_model(model_path, *model_, meta_);
  results["updates"] = static_cast<double>(state_.update);
  results["train_seconds"] = state_.elapsed;
  if (!r_.test.empty())
    evaluator_->score_test(*model_, run_dir_, results, [this](const std::string& m) { log_->message(m); });
  meta_ = run_meta(r_, config_, vocab_, checksums_, results);
  save_model(model_path, *model_, meta_);
  write_finished_record(run_dir_, results);  // last: the run is done only now
  log_->message("wrote " + model_path);
  return results;
}

void Trainer::log_allreduce_cost(long long updates) const {
  if (!dist::active() || updates == 0) return;
  log_->message(std::to_string(dist::size()) + " ranks: all-reduce of " + fmt("%.1f", allreduce_bytes_ / 1048576.0) +
                " MB of gradients per update: " +
                (t_.allreduce_overlap
                     ? fmt("%.1f", 1000 * allreduce_seconds_in_backward_ / updates) + " ms inside backward + " +
                           fmt("%.1f", 1000 * allreduce_seconds_ / updates) + " ms after it (overlap)"
                     : fmt("%.1f", 1000 * allreduce_seconds_ / updates) + " ms after backward (blocking)"));
}

std::map<std::string, double> Trainer::run() {
  // Before anything is written: a CPU without bf16 is a one-line error. The
  // setting holds for this run only (a later stage or caller gets its own).
  const ScopedGemmPrecision precision(t_.precision == "bf16" ? GemmPrecision::BFloat16 : GemmPrecision::Float32);
  setup();
  if (options_.dry_run) {
    if (dist::is_root())
      print_training_plan(r_, config_, vocab_, static_cast<double>(model_->parameter_count()), *data_,
                          estimate_training_memory(config_, static_cast<double>(model_->parameter_count()), *data_,
                                                   t_));
    return {};
  }
  log_->message("model: " + std::to_string(model_->parameter_count()) + " parameters; " +
                std::to_string(data_->batches().size()) + " batches per epoch; " + std::to_string(num_threads()) +
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
    if (options_.on_update) {
      bool stop_now = !options_.on_update({state_.update, state_.epoch + 1, last_loss_, state_.tgt_tokens, state_.elapsed});
      dist::broadcast(stop_now);  // rank 0 decides, so every rank stops at the same update
      if (stop_now) stop_on_request();
    }
    if (state_.update > 0 && state_.update % t_.valid_every == 0 && last_validated_ != state_.update) {
      validate_and_checkpoint();
      dist::broadcast(stop_);  // early stopping is decided on rank 0
    }
  }
  log_->message("training stopped: " + stop_reason_ + " (update " + std::to_string(state_.update) + ", " +
                human_duration(state_.elapsed) + " of training)");
  if (last_validated_ != state_.update) validate_and_checkpoint();
  log_allreduce_cost(updates_here);
  std::map<std::string, double> results;
  if (dist::is_root()) {  // rank 0 averages, scores and writes the model
    if (options_.profile) {
      std::fprintf(stderr, "where the time of an update went (%lld updates):\n", updates_here);
      profile::print(stderr, updates_here);
    }
    results = finish();
  }
  // No rank leaves before rank 0 has written the model: the next stage of a
  // recipe starts from it on every rank.
  dist::barrier();
  return results;
}

}  // namespace

std::map<std::string, double> train_recipe(const Recipe& recipe, const TrainOptions& options) {
  Trainer trainer(recipe, options);
  return trainer.run();
}

}  // namespace tandem
