// Padding invariance: appending padding to a sentence changes none of its
// logits nor any parameter gradient, and a sentence padded next to a longer
// neighbour contributes exactly what it contributes alone.
#include "model/seq2seq.h"

#include "../test_util.h"
#include "tiny_model.h"
#include "kernels/cross_entropy.h"

namespace tandem {
namespace {

struct Result {
  Matrix logits;
  std::vector<Matrix> grads;
};

// Gradient of the summed loss, so results of different batches can be added.
Result run(Seq2Seq& model, const Batch& batch) {
  Seq2Seq::Saved saved;
  Result r;
  Matrix dlogits;
  model.forward(batch, r.logits, &saved, nullptr);
  label_smoothed_cross_entropy(r.logits, batch.tgt_out, 0, 0.1f, &dlogits);
  model.zero_grad();
  model.backward(batch, dlogits, saved);
  for (const auto& p : model.params()) r.grads.push_back(p.param->grad);
  return r;
}

// The one-sentence batch b with `extra` pad positions appended on both sides.
Batch with_padding(const Batch& b, int extra) {
  auto pad = [extra](const Ids& ids) {
    Ids out = ids;
    out.insert(out.end(), extra, 0);
    return out;
  };
  Batch p = b;
  p.src = pad(b.src);
  p.tgt_in = pad(b.tgt_in);
  p.tgt_out = pad(b.tgt_out);
  p.src_shape.len += extra;
  p.tgt_shape.len += extra;
  return p;
}

class PaddingTest : public ::testing::TestWithParam<NormPlacement> {};

TEST_P(PaddingTest, AppendedPaddingChangesNothing) {
  Seq2Seq model(test::tiny_config(GetParam(), TieEmbeddings::None, Activation::Gelu));
  model.init(3);
  const Batch alone = make_batch({{3, 4, 5}}, {{6, 7}}, 0, 1, 2);
  const Result a = run(model, alone);
  const Result p = run(model, with_padding(alone, 4));
  const int n = alone.tgt_shape.len;
  test::expect_close(p.logits.topRows(n), a.logits, 1e-6, 1e-5, "logits");
  for (size_t i = 0; i < a.grads.size(); ++i)
    test::expect_close(p.grads[i], a.grads[i], 1e-6, 1e-5, model.params()[i].name);
}

TEST_P(PaddingTest, NeighbourDoesNotLeak) {
  Seq2Seq model(test::tiny_config(GetParam(), TieEmbeddings::None, Activation::Gelu));
  model.init(3);
  const Ids src = {3, 4, 5}, tgt = {6, 7};
  const Ids long_src = {8, 9, 10, 3, 4, 5, 6}, long_tgt = {3, 4, 5, 6, 7, 8, 9, 10};
  const Result alone = run(model, make_batch({src}, {tgt}, 0, 1, 2));
  const Result neighbour = run(model, make_batch({long_src}, {long_tgt}, 0, 1, 2));
  const Result both = run(model, make_batch({src, long_src}, {tgt, long_tgt}, 0, 1, 2));
  const int n = static_cast<int>(tgt.size()) + 1;
  test::expect_close(both.logits.topRows(n), alone.logits, 1e-6, 1e-5, "logits");
  for (size_t i = 0; i < alone.grads.size(); ++i)
    test::expect_close(both.grads[i], alone.grads[i] + neighbour.grads[i], 1e-5, 1e-4,
                       model.params()[i].name);
}

INSTANTIATE_TEST_SUITE_P(Norms, PaddingTest,
                         ::testing::Values(NormPlacement::Pre, NormPlacement::Post),
                         [](const auto& info) {
                           return std::string(info.param == NormPlacement::Pre ? "pre" : "post");
                         });

}  // namespace
}  // namespace tandem
