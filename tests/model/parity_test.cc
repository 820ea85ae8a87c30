// Parity with an independent PyTorch implementation (tests/fixtures/make_parity.py,
// float64): tandem loads the fixture's weights as a model file, runs the padded
// batch in float32, and matches logits and loss to 1e-5 and every parameter
// gradient to 1e-4, relative to the largest magnitude of each tensor.
#include "../test_util.h"
#include "io/hdf5.h"
#include "io/model_file.h"
#include "kernels/cross_entropy.h"

namespace tandem {
namespace {

Ids read_ids(const H5File& f, const std::string& name) {
  const auto v = f.read_int64s(name);
  return Ids(v.begin(), v.end());
}

Matrix read_matrix(const H5File& f, const std::string& name) {
  const auto dims = f.dims(name);
  EXPECT_TRUE(dims && dims->size() >= 1) << name;
  const hsize_t rows = dims->size() == 2 ? (*dims)[0] : 1;
  const hsize_t cols = dims->back();
  Matrix m(rows, cols);
  f.read_floats(name, *dims, m.data());
  return m;
}

// max |got - expected| / max |expected| over the tensor. The floor of 1e-2 only
// matters for k_proj biases, whose exact gradient is 0 (softmax ignores a shift
// shared by all keys): there it turns the bound into an absolute 1e-6 (or 1e-7).
double relative_error(const Matrix& got, const Matrix& expected) {
  const double scale = std::max(1e-2, static_cast<double>(expected.cwiseAbs().maxCoeff()));
  return static_cast<double>((got - expected).cwiseAbs().maxCoeff()) / scale;
}

class ParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParityTest, MatchesPyTorch) {
  const std::string path = std::string(TANDEM_FIXTURES) + "/parity_" + GetParam() + ".h5";
  auto model = load_model(path);
  const H5File f = H5File::open_read(path);
  Batch batch;
  batch.src = read_ids(f, "/test/src");
  batch.tgt_in = read_ids(f, "/test/tgt_in");
  batch.tgt_out = read_ids(f, "/test/tgt_out");
  const auto src_len = f.read_int64s("/test/src_lengths");
  const auto tgt_len = f.read_int64s("/test/tgt_lengths");
  batch.src_shape = {static_cast<int>(src_len.size()),
                     static_cast<int>(batch.src.size() / src_len.size()),
                     std::vector<int>(src_len.begin(), src_len.end())};
  batch.tgt_shape = {static_cast<int>(tgt_len.size()),
                     static_cast<int>(batch.tgt_in.size() / tgt_len.size()),
                     std::vector<int>(tgt_len.begin(), tgt_len.end())};
  const float smoothing = read_matrix(f, "/test/label_smoothing")(0, 0);

  Seq2Seq::Saved saved;
  Matrix logits, dlogits;
  model->forward(batch, logits, &saved, nullptr);
  const auto stats = label_smoothed_cross_entropy(logits, batch.tgt_out, model->config().pad_id,
                                                  smoothing, &dlogits);
  dlogits /= static_cast<float>(stats.tokens);
  model->zero_grad();
  model->backward(batch, dlogits, saved);

  const double logits_err = relative_error(logits, read_matrix(f, "/test/logits"));
  const double loss_expected = read_matrix(f, "/test/loss")(0, 0);
  const double loss_err = std::abs(stats.loss_sum / stats.tokens - loss_expected) / std::abs(loss_expected);
  double worst_grad = 0;
  std::string worst_name;
  for (const auto& p : model->params()) {
    const double e = relative_error(p.param->grad, read_matrix(f, "/test/grads/" + p.name));
    EXPECT_LE(e, 1e-4) << p.name;
    if (e > worst_grad) worst_grad = e, worst_name = p.name;
  }
  EXPECT_LE(logits_err, 1e-5);
  EXPECT_LE(loss_err, 1e-5);
  std::printf("parity %s: logits %.2e, loss %.2e, worst gradient %.2e (%s)\n", GetParam().c_str(),
              logits_err, loss_err, worst_grad, worst_name.c_str());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ParityTest,
                         ::testing::Values("pre", "post", "tied", "rope", "alibi", "gqa", "t5"));

}  // namespace
}  // namespace tandem
