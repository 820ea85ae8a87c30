#include "tandem/model_file.h"

#include "api/guard.h"
#include "io/model_file.h"
#include "kernels/compute_type.h"

namespace tandem::api {

ModelFile load_model_file(const std::string& path) {
  require_file(path, "model file");
  return guarded([&] {
    ModelFileMeta meta;
    const auto model = load_model(path, &meta);
    ModelFile out;
    out.config_yaml = meta.config_yaml;
    out.source_vocab = meta.vocab_src;
    out.joint_vocab = meta.joint_vocab;
    out.target_vocab = meta.joint_vocab ? meta.vocab_src : meta.vocab_tgt;
    out.compute_type = compute_type_name(meta.compute_type);
    out.created = meta.created;
    out.tandem_version = meta.tandem_version;
    for (const auto& p : model->params()) {
      const Matrix& v = p.param->value;  // int8 files: already the dequantized weights
      Tensor t;
      t.name = p.name;
      if (p.param->is_vector) t.shape = {static_cast<int64_t>(v.size())};
      else t.shape = {static_cast<int64_t>(v.rows()), static_cast<int64_t>(v.cols())};
      t.values.assign(v.data(), v.data() + v.size());
      out.parameters.push_back(std::move(t));
    }
    return out;
  });
}

}  // namespace tandem::api
