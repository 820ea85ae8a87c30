#include "io/model_file.h"

#include <cmath>
#include <ctime>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/duration.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/hdf5.h"
#include "version.h"

namespace tandem {
namespace {

// The config decides how much a model allocates; a small file with a large
// config (damaged, or hostile) is refused before that allocation, not after.
void check_file_holds_the_config(const H5File& file, const ModelConfig& config) {
  double stored = 0;
  for (const auto& name : file.datasets_under("/params")) {
    const auto dims = file.dims("/params/" + name);
    if (!dims) continue;
    double values = 1;
    for (hsize_t d : *dims) values *= static_cast<double>(d);
    stored += values;
  }
  const double needed = config.parameter_lower_bound();
  TANDEM_CHECK(stored >= needed)
      << file.path() << ": /params holds " << static_cast<int64_t>(stored)
      << " values, but the model in /config needs at least " << static_cast<int64_t>(needed);
}

std::vector<hsize_t> to_dims(const std::vector<int>& shape) {
  return std::vector<hsize_t>(shape.begin(), shape.end());
}

}  // namespace

std::string config_document(const ModelConfig& config) {
  std::string body = model_config_to_yaml(config);
  std::string doc = "model:\n";
  size_t start = 0;
  while (start < body.size()) {
    const size_t end = body.find('\n', start);
    doc += "  " + body.substr(start, end - start) + "\n";
    start = end == std::string::npos ? body.size() : end + 1;
  }
  return doc;
}

ModelConfig model_config_from_document(const std::string& yaml, const std::string& where) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    TANDEM_FAIL() << where << ":" << e.mark.line + 1 << ": " << e.msg;
  }
  TANDEM_CHECK(root.IsMap() && root["model"].IsDefined()) << where << ": no `model:` mapping";
  ModelConfig config;
  parse_model_config(root["model"], where, config);
  return config;
}

void write_model(const H5File& file, const Seq2Seq& model, const ModelFileMeta& meta) {
  file.set_attr("format", "tandem");
  file.set_attr("format_version", kFormatVersion);
  file.set_attr("created", utc_timestamp());
  file.set_attr("tandem_version", kTandemVersion);
  if (model.compute_type() == ComputeType::Int8) file.set_attr("compute_type", "int8");
  file.write_string("/config", meta.config_yaml.empty() ? config_document(model.config())
                                                        : meta.config_yaml);
  file.write_bytes("/vocab/src", meta.vocab_src);
  if (meta.joint_vocab) {
    file.soft_link("/vocab/src", "/vocab/tgt");
  } else {
    file.write_bytes("/vocab/tgt", meta.vocab_tgt);
  }
  for (const auto& p : model.params()) {
    const std::string name = "/params/" + p.name;
    const auto& packed = p.param->packed;
    if (packed && packed->type() == ComputeType::Int8) {
      const QuantizedRows& q = packed->int8_weights();
      file.write_int8s(name, to_dims(p.param->shape()), q.values.data());
      file.write_floats(name + "_scale", {static_cast<hsize_t>(q.rows)}, q.scales.data());
    } else {
      file.write_floats(name, to_dims(p.param->shape()), p.param->value.data());
    }
  }
  for (const auto& [alias, canonical] : model.aliases())
    file.soft_link("/params/" + canonical, "/params/" + alias);
}

void save_model(const std::string& path, const Seq2Seq& model, const ModelFileMeta& meta) {
  write_atomically(path, [&](const std::string& tmp) {
    H5File file = H5File::create(tmp);
    write_model(file, model, meta);
    file.flush();
  });
}

ModelFileMeta read_model_meta(const H5File& file) {
  ModelFileMeta meta;
  TANDEM_CHECK(file.attr("format") == "tandem")
      << file.path() << ": not a tandem model file (attribute format=\"" << file.attr("format")
      << "\")";
  meta.config_yaml = file.read_string("/config");
  if (file.exists("/vocab/src")) meta.vocab_src = file.read_bytes("/vocab/src");
  if (file.exists("/vocab/tgt")) {
    meta.vocab_tgt = file.read_bytes("/vocab/tgt");
    meta.joint_vocab = meta.vocab_tgt == meta.vocab_src;
  }
  meta.created = file.attr("created");
  meta.tandem_version = file.attr("tandem_version");
  meta.has_training_state = file.exists("/train");
  const std::string compute_type = file.attr("compute_type");
  if (!compute_type.empty()) {
    meta.compute_type = parse_compute_type(compute_type, file.path() + ": attribute compute_type");
    TANDEM_CHECK(meta.compute_type != ComputeType::BFloat16)
        << file.path() << ": attribute compute_type=\"" << compute_type
        << "\": files store float32 or int8 weights";
  }
  return meta;
}

void load_params(const H5File& file, Seq2Seq& model) {
  std::set<std::string> expected;
  for (const auto& p : model.params()) {
    const std::string name = "/params/" + p.name;
    expected.insert(p.name);
    if (!file.is_int8(name)) {
      file.read_floats(name, to_dims(p.param->shape()), p.param->value.data());
      continue;
    }
    // An int8 weight: integers and one scale per output row, kept exactly for
    // decoding; `value` holds what they stand for (embedding lookups use it).
    TANDEM_CHECK(p.param->is_gemm_weight && !p.param->is_vector)
        << file.path() << ": " << name << ": int8 data where float32 is expected";
    QuantizedRows q;
    q.rows = p.param->value.rows();
    q.cols = p.param->value.cols();
    q.values.resize(static_cast<size_t>(q.rows * q.cols));
    q.scales.resize(static_cast<size_t>(q.rows));
    file.read_int8s(name, to_dims(p.param->shape()), q.values.data());
    file.read_floats(name + "_scale", {static_cast<hsize_t>(q.rows)}, q.scales.data());
    for (float s : q.scales)
      TANDEM_CHECK(std::isfinite(s) && s >= 0.f)
          << file.path() << ": " << name << "_scale: scale " << s << " is not a finite value >= 0";
    p.param->value = dequantize_rows(q);
    p.param->packed = std::make_shared<const PackedWeight>(std::move(q));
    expected.insert(p.name + "_scale");
  }
  // A dataset the config does not account for means file and config disagree.
  for (const auto& name : file.datasets_under("/params")) {
    TANDEM_CHECK(expected.count(name))
        << file.path() << ": /params/" << name << ": unexpected dataset for this model config";
  }
}

std::unique_ptr<Seq2Seq> load_model(const std::string& path, ModelFileMeta* meta_out) {
  const H5File file = H5File::open_read(path);
  ModelFileMeta meta = read_model_meta(file);
  const ModelConfig config = model_config_from_document(meta.config_yaml, path + ": /config");
  config.validate(path + ": /config");
  check_file_holds_the_config(file, config);
  auto model = std::make_unique<Seq2Seq>(config);
  load_params(file, *model);
  if (meta.compute_type == ComputeType::Int8) model->set_compute_type(ComputeType::Int8);
  if (meta_out) *meta_out = std::move(meta);
  return model;
}

}  // namespace tandem
