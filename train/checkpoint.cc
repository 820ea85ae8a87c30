#include "train/checkpoint.h"

#include <cmath>

#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/hdf5.h"

namespace tandem {
namespace {

void write_tensors(const H5File& f, const std::string& group, const Seq2Seq& model,
                   const std::vector<Matrix>& tensors) {
  const auto& params = model.params();
  for (size_t i = 0; i < params.size(); ++i) {
    const auto shape = params[i].param->shape();
    f.write_floats(group + "/" + params[i].name, std::vector<hsize_t>(shape.begin(), shape.end()),
                   tensors[i].data());
  }
}

void read_tensors(const H5File& f, const std::string& group, const Seq2Seq& model,
                  std::vector<Matrix>& tensors) {
  const auto& params = model.params();
  tensors.resize(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const auto shape = params[i].param->shape();
    tensors[i].resize(params[i].param->value.rows(), params[i].param->value.cols());
    f.read_floats(group + "/" + params[i].name, std::vector<hsize_t>(shape.begin(), shape.end()),
                  tensors[i].data());
  }
}

}  // namespace

std::string state_to_yaml(const TrainState& s) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  out << YAML::Key << "update" << YAML::Value << s.update;
  out << YAML::Key << "epoch" << YAML::Value << s.epoch;
  out << YAML::Key << "batch_in_epoch" << YAML::Value << s.batch_in_epoch;
  out << YAML::Key << "rng_counter" << YAML::Value << s.rng_counter;
  out << YAML::Key << "elapsed" << YAML::Value << s.elapsed;
  out << YAML::Key << "tgt_tokens" << YAML::Value << s.tgt_tokens;
  out << YAML::Key << "best_metric" << YAML::Value << s.best_metric;
  out << YAML::Key << "best_update" << YAML::Value << s.best_update;
  out << YAML::Key << "bad_validations" << YAML::Value << s.bad_validations;
  out << YAML::Key << "nonfinite_in_a_row" << YAML::Value << s.nonfinite_in_a_row;
  out << YAML::Key << "history" << YAML::Value << YAML::BeginSeq;
  for (const auto& h : s.history)
    out << YAML::Flow << YAML::BeginSeq << h.update << h.epoch << h.loss << h.ppl << h.bleu << h.chrf << h.rouge
        << YAML::EndSeq;
  out << YAML::EndSeq;
  out << YAML::Key << "kept" << YAML::Value << YAML::BeginSeq;
  for (const auto& k : s.kept)
    out << YAML::Flow << YAML::BeginSeq << k.update << k.metric << k.path << YAML::EndSeq;
  out << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

TrainState state_from_yaml(const std::string& yaml, const std::string& where) {
  TrainState s;
  try {
    const YAML::Node n = YAML::Load(yaml);
    s.update = n["update"].as<long long>();
    s.epoch = n["epoch"].as<int>();
    s.batch_in_epoch = n["batch_in_epoch"].as<long long>();
    s.rng_counter = n["rng_counter"].as<uint64_t>();
    s.elapsed = n["elapsed"].as<double>();
    s.tgt_tokens = n["tgt_tokens"].as<long long>();
    s.best_metric = n["best_metric"].as<double>();
    s.best_update = n["best_update"].as<long long>();
    s.bad_validations = n["bad_validations"].as<int>();
    s.nonfinite_in_a_row = n["nonfinite_in_a_row"].as<int>();
    for (const auto& h : n["history"])  // states written before ROUGE was scored have 6 fields
      s.history.push_back({h[0].as<long long>(), h[1].as<int>(), h[2].as<double>(), h[3].as<double>(),
                           h[4].as<double>(), h[5].as<double>(), h.size() > 6 ? h[6].as<double>() : -1.0});
    for (const auto& k : n["kept"])
      s.kept.push_back({k[0].as<long long>(), k[1].as<double>(), k[2].as<std::string>()});
  } catch (const YAML::Exception& e) {
    TANDEM_FAIL() << where << ": malformed training state: " << e.msg;
  }
  // A copied or edited file must not steer indexing or deletion: counters are
  // non-negative and kept checkpoints lie at or before the current update.
  auto check_count = [&](const char* key, long long value) {
    TANDEM_CHECK(value >= 0) << where << ": malformed training state: " << key << " " << value
                             << " is negative";
  };
  check_count("update", s.update);
  check_count("epoch", s.epoch);
  check_count("batch_in_epoch", s.batch_in_epoch);
  check_count("tgt_tokens", s.tgt_tokens);
  check_count("bad_validations", s.bad_validations);
  check_count("nonfinite_in_a_row", s.nonfinite_in_a_row);
  TANDEM_CHECK(std::isfinite(s.elapsed) && s.elapsed >= 0)
      << where << ": malformed training state: elapsed " << s.elapsed;
  for (const auto& k : s.kept)
    TANDEM_CHECK(k.update >= 0 && k.update <= s.update)
        << where << ": malformed training state: kept checkpoint of update " << k.update
        << " outside 0.." << s.update;
  return s;
}

std::string periodic_checkpoint_path(const std::string& checkpoint_dir, long long update) {
  return checkpoint_dir + "/update_" + std::to_string(update) + ".h5";
}

void save_checkpoint(const std::string& path, const Seq2Seq& model, const ModelFileMeta& meta,
                     const TrainState& state, const OptimizerTensors& t) {
  write_atomically(path, [&](const std::string& tmp) {
    H5File f = H5File::create(tmp);
    write_model(f, model, meta);
    f.write_string("/train/state", state_to_yaml(state));
    write_tensors(f, "/train/adam_m", model, *t.adam_m);
    write_tensors(f, "/train/adam_v", model, *t.adam_v);
    if (t.ema && !t.ema->empty()) write_tensors(f, "/train/ema", model, *t.ema);
    f.flush();
  });
}

void load_checkpoint(const std::string& path, Seq2Seq& model, TrainState& state,
                     const OptimizerTensors& t) {
  const H5File f = H5File::open_read(path);
  TANDEM_CHECK(f.exists("/train/state")) << path << ": not a checkpoint (no /train/state)";
  load_params(f, model);
  state = state_from_yaml(f.read_string("/train/state"), path + ": /train/state");
  // The stored paths are not trusted (they are deleted when a checkpoint
  // rotates out): each is rebuilt from its update number beside `path`.
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  for (auto& k : state.kept) k.path = periodic_checkpoint_path(dir, k.update);
  read_tensors(f, "/train/adam_m", model, *t.adam_m);
  read_tensors(f, "/train/adam_v", model, *t.adam_v);
  if (t.ema) {
    if (f.exists("/train/ema")) read_tensors(f, "/train/ema", model, *t.ema);
    else t.ema->clear();
  }
}

}  // namespace tandem
