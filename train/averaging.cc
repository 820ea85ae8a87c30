#include "train/averaging.h"

#include "core/error.h"
#include "io/hdf5.h"
#include "io/model_file.h"

namespace tandem {

void average_into(const std::vector<std::string>& paths, Seq2Seq& model) {
  TANDEM_CHECK(!paths.empty()) << "average: no files";
  const auto& params = model.params();
  std::vector<Eigen::MatrixXd> sum;
  for (const auto& p : params) sum.push_back(Eigen::MatrixXd::Zero(p.param->value.rows(), p.param->value.cols()));
  for (const auto& path : paths) {
    load_params(H5File::open_read(path), model);
    for (size_t i = 0; i < params.size(); ++i) sum[i] += params[i].param->value.cast<double>();
  }
  for (size_t i = 0; i < params.size(); ++i)
    params[i].param->value = (sum[i] / static_cast<double>(paths.size())).cast<float>();
}

}  // namespace tandem
