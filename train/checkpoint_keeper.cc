#include "train/checkpoint_keeper.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "metrics/score.h"
#include "train/averaging.h"

namespace tandem {
namespace {

// Descending by validation metric, with NaN (a failed validation) last: a
// plain `>` is no strict weak order once a NaN is in the list.
bool better_metric(const KeptCheckpoint& a, const KeptCheckpoint& b) {
  if (std::isnan(a.metric)) return false;
  if (std::isnan(b.metric)) return true;
  return a.metric > b.metric;
}

bool newer(const KeptCheckpoint& a, const KeptCheckpoint& b) { return a.update > b.update; }

}  // namespace

CheckpointKeeper::CheckpointKeeper(const std::string& checkpoint_dir, const TrainRecipe& training)
    : dir_(checkpoint_dir), last_(checkpoint_dir + "/last.h5"), t_(training) {}

void CheckpointKeeper::remove_stale_temporaries() const {
  DIR* d = opendir(dir_.c_str());
  if (!d) return;
  while (const dirent* e = readdir(d))
    if (std::strstr(e->d_name, ".h5.tmp-")) std::remove((dir_ + "/" + e->d_name).c_str());
  closedir(d);
}

void CheckpointKeeper::write_periodic(const Seq2Seq& model, const ModelFileMeta& meta, TrainState& state,
                                      double metric) const {
  const std::string path = periodic_checkpoint_path(dir_, state.update);
  save_model(path, model, meta);
  state.kept.push_back({state.update, metric, path});
  // Keep the newest `average` (for averaging the last ones) and the best `keep`.
  std::vector<KeptCheckpoint> by_update = state.kept, by_metric = state.kept;
  std::sort(by_update.begin(), by_update.end(), newer);
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
  for (const auto& k : state.kept) {
    bool keep = false;
    for (const auto& x : retained) keep |= x.update == k.update;
    if (!keep) std::remove(k.path.c_str());
  }
  std::sort(retained.begin(), retained.end(), [](auto& a, auto& b) { return a.update < b.update; });
  state.kept = retained;
}

void CheckpointKeeper::write_last(const Seq2Seq& model, const ModelFileMeta& meta, const TrainState& state,
                                  const OptimizerTensors& tensors) const {
  save_checkpoint(last_, model, meta, state, tensors);
}

std::string CheckpointKeeper::choose_final(Seq2Seq& model, const TrainState& state,
                                           const std::function<double()>& validate_metric,
                                           std::map<std::string, double>& results) const {
  auto kept = state.kept;
  if (t_.average_which == "best")
    std::stable_sort(kept.begin(), kept.end(), better_metric);
  else
    std::sort(kept.begin(), kept.end(), newer);
  std::vector<std::string> paths;
  std::string updates;
  for (size_t i = 0; i < kept.size() && static_cast<int>(i) < t_.average; ++i) {
    paths.push_back(kept[i].path);
    updates += (updates.empty() ? "" : ", ") + std::to_string(kept[i].update);
  }
  average_into(paths, model);
  const std::string average =
      "average of " + std::to_string(paths.size()) + " checkpoints (updates " + updates + ")";
  const KeptCheckpoint* best = nullptr;
  for (const auto& k : state.kept)
    if (k.update == state.best_update) best = &k;
  if (paths.size() < 2 || !best) return "final model: " + average;
  // The average is usually better than any one checkpoint, but not always
  // (a short run, a declining curve): score it on validation like the others
  // and keep whichever is better there.
  const double average_metric = validate_metric();
  const std::string name = t_.early_stopping_metric;
  const double sign = name == "loss" ? -1 : 1;  // loss is kept negated
  results["valid_" + name + "_average"] = sign * average_metric;
  results["valid_" + name + "_best_single"] = sign * best->metric;
  if (average_metric >= best->metric) {
    results["final_is_average"] = 1;
    return "final model: " + average + ", valid " + name + " " + format_score(average_metric) +
           " (best single checkpoint, update " + std::to_string(best->update) + ": " + format_score(best->metric) +
           ")";
  }
  average_into({best->path}, model);
  results["final_is_average"] = 0;
  results["final_update"] = static_cast<double>(best->update);
  return "final model: the checkpoint of update " + std::to_string(best->update) + ", valid " + name + " " +
         format_score(best->metric) + ", better than the " + average + " (" + format_score(average_metric) + ")";
}

}  // namespace tandem
